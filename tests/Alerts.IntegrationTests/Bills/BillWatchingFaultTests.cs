using Alerts.Infrastructure;
using System.Text.Json.Nodes;
using Alerts.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Bills;

/// <summary>Crashes, overlapping runs and Parliament outages: every change is still recorded exactly once.</summary>
public sealed class BillWatchingFaultTests : IAsyncLifetime
{
    private static readonly DateTime Tuesday = new(2026, 12, 1);
    private BillsTestApp _t = null!;

    public async Task InitializeAsync() => _t = await BillsTestApp.StartAsync();

    public async Task DisposeAsync() => await _t.DisposeAsync();

    [Fact]
    public async Task OverlappingRuns_RecordEachChangeOnce()
    {
        BillScenario bill = BillScenario.Recorded();
        bill.ServeOn(_t.Parliament);
        await _t.WatchAsync(2818);
        await _t.PollAsync();

        bill.AddSitting(12655, 90001, Tuesday)
            .AddStage(90010, 8, "Committee stage", "CS", "Commons").AddSitting(90010, 90011, Tuesday.AddDays(14)).SetCurrent(90010)
            .ServeOn(_t.Parliament);
        FunctionRun[] runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _t.PollAsync()));

        Assert.All(runs, r => Assert.True(r.Succeeded));
        JsonArray events = await _t.EventsAsync(2818);
        Assert.Equal(["SittingScheduled", "SittingScheduled", "StageReached"], BillsTestApp.Kinds(events));
        Assert.Equal(3, _t.Subscriber.Received.Distinct().Count());
    }

    [Fact]
    public async Task RunThatCrashedAfterWritingSomeEvents_IsCompletedByTheNextRunWithoutDuplicates()
    {
        BillScenario bill = BillScenario.Recorded();
        bill.ServeOn(_t.Parliament);
        await _t.WatchAsync(2818);

        // What a run leaves when it dies after recording its first event and before saving the snapshot.
        bill.AddSitting(12655, 90001, Tuesday).AddStage(90010, 8, "Committee stage", "CS", "Commons").SetCurrent(90010).ServeOn(_t.Parliament);
        var store = _t.App.Services.GetRequiredService<BillStore>();
        WatchedBill watched = (await store.FindWatchedAsync(2818))!;
        var parliament = _t.App.Services.GetRequiredService<ParliamentBillsClient>();
        BillSnapshot latest = BillSnapshot.From((await parliament.GetBillAsync(2818))!, await parliament.GetStagesAsync(2818));
        IReadOnlyList<BillEvent> changes = BillChangeDetector.Diff(2818, watched.Snapshot!, latest);
        Assert.Equal(2, changes.Count);
        Assert.True(await store.TryAddEventAsync(changes[0], DateTimeOffset.UtcNow));

        await _t.PollAsync();
        await _t.PollAsync();

        Assert.Equal(["SittingScheduled", "StageReached"], BillsTestApp.Kinds(await _t.EventsAsync(2818)));
    }

    [Fact]
    public async Task SubscriberFailure_FailsTheRun_AndTheNextRunHandsOverOnlyWhatWasNotHandedOver()
    {
        BillScenario bill = BillScenario.Recorded();
        bill.ServeOn(_t.Parliament);
        await _t.WatchAsync(2818);
        bill.AddSitting(12655, 90001, Tuesday).ServeOn(_t.Parliament);
        _t.Subscriber.FailuresToCome = 1;

        Assert.False((await _t.PollAsync()).Succeeded);
        Assert.Single(await _t.EventsAsync(2818)); // recorded despite the failed hand-over
        Assert.Empty(_t.Subscriber.Received);

        await _t.PollAsync();
        await _t.PollAsync();
        Assert.Single(_t.Subscriber.Received);
        Assert.Single(await _t.EventsAsync(2818));
    }

    [Theory]
    [InlineData(500, false, false)]
    [InlineData(0, true, false)]   // slower than the client's timeouts
    [InlineData(0, false, true)]   // truncated JSON
    public async Task ParliamentDown_FailsTheRunAndRecordsNothing_ThenTheNextRunCatchesUp(int status, bool slow, bool truncated)
    {
        BillScenario bill = BillScenario.Recorded();
        bill.ServeOn(_t.Parliament);
        await _t.WatchAsync(2818);
        await _t.PollAsync();

        bill.AddSitting(12655, 90001, Tuesday).ServeOn(_t.Parliament);
        _t.Parliament.FailPath("Bills", new Fault(status == 0 ? 500 : status, slow ? TimeSpan.FromSeconds(10) : null, truncated));
        FunctionRun failed = await _t.PollAsync();

        Assert.False(failed.Succeeded);
        Assert.Contains("Bills API", failed.Log, StringComparison.Ordinal);
        Assert.Empty(await _t.EventsAsync(2818));

        _t.Parliament.ClearFaults();
        Assert.True((await _t.PollAsync()).Succeeded);
        Assert.Equal(["SittingScheduled"], BillsTestApp.Kinds(await _t.EventsAsync(2818)));
    }

    [Fact]
    public async Task OneBadBill_DoesNotStopTheOthers_AndIsCaughtUpLater()
    {
        BillScenario good = BillScenario.Recorded(7001);
        BillScenario bad = BillScenario.Recorded(7002);
        good.ServeOn(_t.Parliament);
        bad.ServeOn(_t.Parliament);
        await _t.WatchAsync(7001);
        await _t.WatchAsync(7002);
        await _t.PollAsync();

        good.AddSitting(700102, 1, Tuesday).ServeOn(_t.Parliament);
        bad.AddSitting(700202, 2, Tuesday).ServeOn(_t.Parliament);
        _t.Parliament.FailPath("Bills/7002/Stages", new Fault(TruncateJson: true));
        FunctionRun run = await _t.PollAsync();

        Assert.True(run.Succeeded);
        Assert.Contains("1 failures", run.Log, StringComparison.Ordinal);
        Assert.Single(await _t.EventsAsync(7001));
        Assert.Empty(await _t.EventsAsync(7002));

        // The watermark has moved past the bad bill's update; it is retried all the same.
        _t.Parliament.ClearFaults();
        await _t.PollAsync();
        Assert.Single(await _t.EventsAsync(7002));
        Assert.Single(await _t.EventsAsync(7001));
    }
}
