using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Alerts.Bills;
using Alerts.Fakes;
using Alerts.Infrastructure;
using Azure.Storage.Queues;

namespace Alerts.Hosting;

/// <summary>Without the Functions host, the app fires its own timers and polls its own queues.</summary>
public sealed class LocalTriggerRunnerTests
{
    /// <summary>host.json's queue settings with a zero retry delay, so poisoning takes seconds, not minutes.</summary>
    private static void QuickRetries(IServiceCollection services) =>
        services.AddSingleton(QueueSettings.Read() with { VisibilityTimeout = TimeSpan.Zero, MaxPollingInterval = TimeSpan.FromMilliseconds(200) });

    [Fact]
    public async Task QueueMessage_IsHandedToTheDispatcherAndDeleted()
    {
        await using AlertsAppFactory app = (await AlertsAppFactory.CreateAsync())
            .WithSetting("Triggers:RunLocally", "true").WithServices(QuickRetries);
        _ = app.CreateClient();
        QueueClient queue = DispatchQueue(app);

        QueueClient poison = new(app.StorageConnectionString, app.NamePrefix + "dispatch-poison");

        // A plan for a campaign that does not exist is handled (nothing to plan) and deleted, not retried.
        await queue.SendMessageAsync(JsonSerializer.Serialize(new { campaignId = "c9", kind = "plan" }));

        await WaitUntilAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0);
        await Task.Delay(500);
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Empty((await poison.PeekMessagesAsync()).Value);
    }

    [Fact]
    public async Task FailingQueueMessage_IsRetriedThenMovedToThePoisonQueue()
    {
        await using AlertsAppFactory app = (await AlertsAppFactory.CreateAsync())
            .WithSetting("Triggers:RunLocally", "true").WithServices(QuickRetries);
        _ = app.CreateClient();
        QueueClient queue = DispatchQueue(app);
        QueueClient poison = new(app.StorageConnectionString, app.NamePrefix + "dispatch-poison",
            new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

        await queue.SendMessageAsync("this is not a dispatch batch");

        await WaitUntilAsync(async () => (await poison.PeekMessagesAsync()).Value.Length == 1);
        Assert.Equal("this is not a dispatch batch", (await poison.PeekMessagesAsync()).Value[0].MessageText);
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task TimerSchedule_FromItsAppSetting_FiresTheWatcher()
    {
        await using BillsTestApp t = await BillsTestApp.StartAsync(app => app
            .WithSetting("Triggers:RunLocally", "true").WithServices(QuickRetries)
            .WithFakeTime(new DateTimeOffset(2026, 11, 23, 9, 58, 0, TimeSpan.Zero)));
        BillScenario bill = BillScenario.Recorded();
        bill.ServeOn(t.Parliament);
        await t.WatchAsync(2818);
        bill.AddSitting(12655, 90001, new DateTime(2026, 12, 1)).ServeOn(t.Parliament);

        // WatchBills runs every ten minutes (WatchBills:Schedule in appsettings.json): nothing at 09:59, a poll once 10:00 passes.
        await Task.Delay(300);
        t.App.Time!.Advance(TimeSpan.FromMinutes(1));
        await Task.Delay(300);
        Assert.Empty(await t.EventsAsync(2818));

        await WaitUntilAsync(async () =>
        {
            t.App.Time.Advance(TimeSpan.FromSeconds(20));
            return (await t.EventsAsync(2818)).Count == 1;
        });
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero),
            (await t.EventsAsync(2818))[0]!["detectedAtUtc"]!.GetValue<DateTimeOffset>(), TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task MessageOfAProcessThatDied_IsHandledAgainWithinAMinute_AfterARestart()
    {
        await using FakeSendGrid sendGrid = await FakeSendGrid.StartAsync();
        sendGrid.Then(new FakeReply(202, Processed: true, Delay: TimeSpan.FromSeconds(30))); // still answering when the process dies
        AlertsAppFactory first = (await AlertsAppFactory.CreateAsync())
            .WithSetting("Triggers:RunLocally", "true")
            .WithSetting("SendGrid:ApiKey", FakeSendGrid.ApiKey).WithSetting("SendGrid:Host", sendGrid.Host.ToString())
            .WithSetting("SendGrid:RequestTimeout", "00:01:00");
        HttpClient client = first.CreateClient();
        await client.PostAsync(new Uri("/api/v1/supporters/import", UriKind.Relative),
            new StringContent("email,email_consent\na@example.org,yes\nb@example.org,yes\n", System.Text.Encoding.UTF8, "text/csv"));
        string segment = await IdOfAsync(await client.PostAsJsonAsync("/api/v1/segments", new { name = "All" }));
        string campaign = await IdOfAsync(await client.PostAsJsonAsync("/api/v1/campaigns", Campaigns.CampaignsTestApp.Campaign(segment, ["email"])));
        await client.PostAsJsonAsync($"/api/v1/campaigns/{campaign}/approve", new { });
        await client.PostAsJsonAsync($"/api/v1/campaigns/{campaign}/send", new { });
        await WaitUntilAsync(() => Task.FromResult(sendGrid.Requests == 1));

        await first.DisposeAsync(); // the process dies mid-batch, its message neither deleted nor put back
        var restartedAt = System.Diagnostics.Stopwatch.StartNew();
        await using AlertsAppFactory second = first.Restarted();
        HttpClient again = second.CreateClient();
        await WaitUntilAsync(async () => (await again.GetFromJsonAsync<JsonObject>($"/api/v1/campaigns/{campaign}/report"))!["state"]!.GetValue<string>() == "completed",
            TimeSpan.FromSeconds(75));

        Assert.True(restartedAt.Elapsed < TimeSpan.FromMinutes(1), $"resumed after {restartedAt.Elapsed}");
        // What SendGrid took while the process died is unknown, and was not sent again.
        Assert.Equal(1, sendGrid.Requests);
        JsonObject report = (await again.GetFromJsonAsync<JsonObject>($"/api/v1/campaigns/{campaign}/report"))!;
        Assert.Equal(2, report["channels"]!["email"]!["byStatus"]!["unknown"]!.GetValue<int>());
    }

    private static async Task<string> IdOfAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();

    [Fact]
    public async Task Runner_WhenRunLocallyIsOff_LeavesTheQueueAlone()
    {
        await using AlertsAppFactory app = (await AlertsAppFactory.CreateAsync()).WithServices(QuickRetries);
        _ = app.CreateClient();
        QueueClient queue = DispatchQueue(app);

        await queue.SendMessageAsync(JsonSerializer.Serialize(new { campaignId = "c9", kind = "plan" }));
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Single((await queue.PeekMessagesAsync()).Value);
    }

    private static QueueClient DispatchQueue(AlertsAppFactory app) =>
        new(app.StorageConnectionString, app.NamePrefix + "dispatch", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            await Task.Delay(100, timeout.Token);
        }
    }
}
