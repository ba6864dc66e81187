using Alerts.Infrastructure;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alerts.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Bills;

/// <summary>Watching bills against a loopback Bills API and real Azurite. Scenarios are constructed: see <see cref="BillScenario"/>.</summary>
public sealed class BillWatchingTests : IAsyncLifetime
{
    private static readonly DateTime Tuesday = new(2026, 12, 1);
    private BillsTestApp _t = null!;

    public async Task InitializeAsync() => _t = await BillsTestApp.StartAsync();

    public async Task DisposeAsync() => await _t.DisposeAsync();

    [Fact]
    public async Task Watch_NewBill_BaselinesWithoutHistoricalEvents()
    {
        BillScenario.Recorded().ServeOn(_t.Parliament);

        HttpResponseMessage added = await _t.WatchAsync(2818);
        FunctionRun polled = await _t.PollAsync();

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.True(polled.Succeeded);
        Assert.Empty(await _t.EventsAsync(2818));
        JsonArray watched = (await _t.Client.GetFromJsonAsync<JsonArray>("/api/v1/bills"))!;
        JsonNode bill = Assert.Single(watched)!;
        Assert.Equal("2nd reading", bill["currentStage"]!.GetValue<string>());
        Assert.Equal("Commons", bill["currentHouse"]!.GetValue<string>());
        Assert.Equal("https://bills.parliament.uk/bills/2818", bill["billUrl"]!.GetValue<string>());
    }

    [Fact]
    public async Task CheckNow_RecordsWhatTheTimerWould_AndSaysSo_AndAParliamentOutageIsA502ThatRecordsNothing()
    {
        BillScenario bill = BillScenario.Recorded();
        bill.ServeOn(_t.Parliament);
        await _t.WatchAsync(2818);
        await _t.PollAsync();
        bill.AddSitting(12655, 90001, Tuesday).ServeOn(_t.Parliament);

        _t.Parliament.FailPath("Bills", new Fault(500));
        HttpResponseMessage down = await _t.Client.PostAsync(new Uri("/api/v1/bills/check", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.BadGateway, down.StatusCode);
        Assert.Equal("application/problem+json", down.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await _t.EventsAsync(2818));

        _t.Parliament.ClearFaults();
        HttpResponseMessage checkedNow = await _t.Client.PostAsync(new Uri("/api/v1/bills/check", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, checkedNow.StatusCode);
        JsonObject summary = (await checkedNow.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(1, summary["billsChecked"]!.GetValue<int>());
        Assert.Equal(1, summary["eventsRecorded"]!.GetValue<int>());
        Assert.Equal(0, summary["failures"]!.GetValue<int>());
        Assert.Equal(["SittingScheduled"], BillsTestApp.Kinds(await _t.EventsAsync(2818)));

        // The timer's next run finds nothing new: the change was recorded once.
        Assert.True((await _t.PollAsync()).Succeeded);
        Assert.Single(await _t.EventsAsync(2818));
    }

    [Fact]
    public async Task Watch_SameBillTwice_IsHarmless()
    {
        BillScenario.Recorded().ServeOn(_t.Parliament);

        Assert.Equal(HttpStatusCode.Created, (await _t.WatchAsync(2818)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _t.WatchAsync(2818)).StatusCode);

        Assert.Single((await _t.Client.GetFromJsonAsync<JsonArray>("/api/v1/bills"))!);
    }

    [Fact]
    public async Task Watch_UnknownBill_Is404ProblemDetails()
    {
        HttpResponseMessage response = await _t.WatchAsync(999999);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty((await _t.Client.GetFromJsonAsync<JsonArray>("/api/v1/bills"))!);
    }

    [Fact]
    public async Task Watch_InvalidBillId_IsAValidationProblemNamingTheField()
    {
        HttpResponseMessage response = await _t.WatchAsync(0);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonObject problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains(problem["errors"]!.AsObject(), e => e.Key.Equals("BillId", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("{\"billId\":\"x\"}", "billId")]
    [InlineData("{\"billId\":12,\"colour\":\"red\"}", "colour")]
    [InlineData("{\"billId\": ", "billId")]
    [InlineData("not json", "body")]
    public async Task Watch_UnreadableBody_Is400NamingTheFieldAndChangesNothing(string body, string field)
    {
        BillScenario.Recorded().ServeOn(_t.Parliament);

        HttpResponseMessage response = await _t.Client.PostAsync(new Uri("/api/v1/bills", UriKind.Relative),
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        JsonObject problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains(problem["errors"]!.AsObject(), e => e.Key.StartsWith(field, StringComparison.OrdinalIgnoreCase));
        Assert.Empty((await _t.Client.GetFromJsonAsync<JsonArray>("/api/v1/bills"))!);
    }

    [Fact]
    public async Task Search_FindsBillsByTitleAndSaysWhichAreWatched()
    {
        BillScenario.Recorded().ServeOn(_t.Parliament);
        await _t.WatchAsync(2818);

        JsonArray found = (await _t.Client.GetFromJsonAsync<JsonArray>("/api/v1/bills/search?title=business%20rates"))!;

        JsonNode bill = Assert.Single(found)!;
        Assert.Equal(2818, bill["billId"]!.GetValue<int>());
        Assert.True(bill["watched"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.BadRequest, (await _t.Client.GetAsync(new Uri("/api/v1/bills/search?title=", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Unwatch_StopsWatching()
    {
        BillScenario.Recorded().ServeOn(_t.Parliament);
        await _t.WatchAsync(2818);

        Assert.Equal(HttpStatusCode.NoContent, (await _t.Client.DeleteAsync(new Uri("/api/v1/bills/2818", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _t.Client.DeleteAsync(new Uri("/api/v1/bills/2818", UriKind.Relative))).StatusCode);
        Assert.Empty((await _t.Client.GetFromJsonAsync<JsonArray>("/api/v1/bills"))!);
    }

    [Fact]
    public async Task Poll_BillMovingThroughStages_RecordsEachChangeOnce()
    {
        BillScenario bill = BillScenario.Recorded();
        bill.ServeOn(_t.Parliament);
        await _t.WatchAsync(2818);
        await _t.PollAsync();

        // Second reading is given a date.
        bill.AddSitting(12655, 90001, Tuesday).ServeOn(_t.Parliament);
        await _t.PollAsync();
        await _t.PollAsync(); // nothing new: nothing recorded
        Assert.Equal(["SittingScheduled"], BillsTestApp.Kinds(await _t.EventsAsync(2818)));

        // Committee stage becomes current, with a sitting; then report stage.
        bill.AddStage(90010, 8, "Committee stage", "CS", "Commons").AddSitting(90010, 90011, Tuesday.AddDays(14)).SetCurrent(90010).ServeOn(_t.Parliament);
        await _t.PollAsync();
        bill.AddStage(90020, 9, "Report stage", "RS", "Commons").SetCurrent(90020).ServeOn(_t.Parliament);
        await _t.PollAsync();

        JsonArray events = await _t.EventsAsync(2818);
        Assert.Equal(["SittingScheduled", "SittingScheduled", "StageReached", "StageReached"], BillsTestApp.Kinds(events));
        JsonNode report = events[0]!;
        Assert.Equal("StageReached", report["kind"]!.GetValue<string>());
        Assert.Equal("Report stage", report["stage"]!.GetValue<string>());
        Assert.Equal("Commons", report["house"]!.GetValue<string>());
        Assert.Equal("https://bills.parliament.uk/bills/2818", report["billUrl"]!.GetValue<string>());
        Assert.NotNull(report["detectedAtUtc"]);
        Assert.NotNull(report["detectedAtLondon"]);
        JsonNode committeeSitting = events.Single(e => e!["kind"]!.GetValue<string>() == "SittingScheduled" && e["stage"]!.GetValue<string>() == "Committee stage")!;
        Assert.Equal("2026-12-15", committeeSitting["sittingDate"]!.GetValue<string>());

        // The seam received each event exactly once.
        Assert.Equal(events.Select(e => e!["eventId"]!.GetValue<string>()).Order(), _t.Subscriber.Received.Order());
    }

    [Fact]
    public async Task Poll_SittingAddedThenMoved_RecordsScheduledThenMoved()
    {
        BillScenario bill = BillScenario.Recorded();
        bill.ServeOn(_t.Parliament);
        await _t.WatchAsync(2818);

        bill.AddSitting(12655, 90001, Tuesday).ServeOn(_t.Parliament);
        await _t.PollAsync();
        bill.MoveSitting(90001, Tuesday.AddDays(7)).ServeOn(_t.Parliament);
        await _t.PollAsync();
        await _t.PollAsync();

        JsonArray events = await _t.EventsAsync(2818);
        Assert.Equal(["SittingMoved", "SittingScheduled"], BillsTestApp.Kinds(events));
        JsonNode moved = events.Single(e => e!["kind"]!.GetValue<string>() == "SittingMoved")!;
        Assert.Equal("2026-12-08", moved["sittingDate"]!.GetValue<string>());
        Assert.Equal("2026-12-01", moved["previousSittingDate"]!.GetValue<string>());
    }

    [Fact]
    public async Task Poll_RoyalAssent_RecordsAssentAndTheNewActTitle()
    {
        BillScenario bill = BillScenario.Recorded();
        bill.ServeOn(_t.Parliament);
        await _t.WatchAsync(2818);

        bill.RoyalAssent(90099, 90100, Tuesday, "Abolition of Business Rates Act 2026").ServeOn(_t.Parliament);
        await _t.PollAsync();

        JsonArray events = await _t.EventsAsync(2818);
        Assert.Equal(["Renamed", "RoyalAssent", "SittingScheduled"], BillsTestApp.Kinds(events));
        JsonNode renamed = events.Single(e => e!["kind"]!.GetValue<string>() == "Renamed")!;
        Assert.Equal("Abolition of Business Rates Bill", renamed["previousTitle"]!.GetValue<string>());
        Assert.Equal("Abolition of Business Rates Act 2026", renamed["billTitle"]!.GetValue<string>());
        JsonNode assent = events.Single(e => e!["kind"]!.GetValue<string>() == "RoyalAssent")!;
        Assert.Equal("Unassigned", assent["house"]!.GetValue<string>());
        Assert.Equal("2026-12-01", assent["sittingDate"]!.GetValue<string>());
    }

    [Fact]
    public async Task Poll_WithdrawnAndDefeatedBills_RecordThoseEvents()
    {
        BillScenario withdrawn = BillScenario.Recorded(5001);
        BillScenario defeated = BillScenario.Recorded(5002);
        withdrawn.ServeOn(_t.Parliament);
        defeated.ServeOn(_t.Parliament);
        await _t.WatchAsync(5001);
        await _t.WatchAsync(5002);
        await _t.PollAsync();

        withdrawn.Withdraw(Tuesday).ServeOn(_t.Parliament);
        defeated.Defeat().ServeOn(_t.Parliament);
        await _t.PollAsync();

        Assert.Equal(["Withdrawn"], BillsTestApp.Kinds(await _t.EventsAsync(5001)));
        Assert.Equal(["Defeated"], BillsTestApp.Kinds(await _t.EventsAsync(5002)));
        JsonArray recent = (await _t.Client.GetFromJsonAsync<JsonArray>("/api/v1/events?days=7"))!;
        Assert.Equal(2, recent.Count);
    }

    [Fact]
    public async Task Poll_WhenNothingChanged_OnlyReadsTheBillList()
    {
        var bills = Enumerable.Range(6001, 5).Select(id => BillScenario.Recorded(id)).ToList();
        foreach (BillScenario bill in bills)
        {
            bill.ServeOn(_t.Parliament);
            await _t.WatchAsync(bill.BillId);
        }

        await _t.PollAsync(); // first run sets the watermark
        int detailCallsBefore = _t.Parliament.Requests.Count(r => r.StartsWith("Bills/", StringComparison.Ordinal));
        int listCallsBefore = _t.Parliament.CountRequests("Bills?");

        await _t.PollAsync();

        Assert.Equal(detailCallsBefore, _t.Parliament.Requests.Count(r => r.StartsWith("Bills/", StringComparison.Ordinal)));
        Assert.Equal(listCallsBefore + 1, _t.Parliament.CountRequests("Bills?"));

        // One bill changes: only that one is fetched (its detail and its stages).
        int[] before = bills.Select(b => _t.Parliament.CountRequests($"Bills/{b.BillId}")).ToArray();
        bills[2].AddSitting(600302, 777, Tuesday).ServeOn(_t.Parliament);
        await _t.PollAsync();
        int[] after = bills.Select(b => _t.Parliament.CountRequests($"Bills/{b.BillId}")).ToArray();
        Assert.Equal([0, 0, 2, 0, 0], after.Zip(before, (a, b) => a - b));
        Assert.Equal(["SittingScheduled"], BillsTestApp.Kinds(await _t.EventsAsync(6003)));
    }
}
