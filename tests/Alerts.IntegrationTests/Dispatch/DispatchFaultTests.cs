using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alerts.Fakes;
using Azure.Data.Tables;
using Alerts.Campaigns;

namespace Alerts.Dispatch;

/// <summary>Real providers' wire formats on loopback, failing on demand: nobody gets two, nothing is lost silently.</summary>
public sealed class DispatchFaultTests : IAsyncDisposable
{
    private CampaignsTestApp? _t;

    public async ValueTask DisposeAsync()
    {
        if (_t is not null)
        {
            await _t.DisposeAsync();
        }
    }

    private static IEnumerable<string> Supporters(int count, bool sms = true) =>
        Enumerable.Range(0, count).Select(i =>
            $"s{i}@example.org,+4474{(20000000 + i).ToString(CultureInfo.InvariantCulture)},P{i},asylum,yes,{(sms ? "yes" : "no")}");

    [Fact]
    public async Task Email_GoesOutInRequestsOfAtMost1000_EachRecipientOnce_WithTheRealShape()
    {
        _t = await CampaignsTestApp.StartAsync(providers: true);
        await _t.ImportAsync(Supporters(2500, sms: false));
        string segment = await _t.CreateSegmentAsync(new { name = "All", tagsAny = new[] { "asylum" } });
        string campaign = await _t.CreateApprovedCampaignAsync(segment, ["email"]);

        await _t.PostAsync($"/api/v1/campaigns/{campaign}/send", new { });
        Assert.Equal(0, await _t.PumpAsync());

        Assert.Equal(3, _t.SendGrid!.Requests); // ceil(2500 / 1000)
        Assert.Empty(_t.SendGrid.ShapeErrors);
        Assert.Equal(2500, _t.SendGrid.Delivered.Select(d => d.Email).Distinct().Count());
        Assert.Equal(2500, _t.SendGrid.Delivered.Count);
        var first = _t.SendGrid.Delivered.First(d => d.Email == "s7@example.org");
        Assert.Equal("P7", first.Personalization["substitutions"]!["-first_name-text-"]!.GetValue<string>());
        Assert.StartsWith(campaign + ".e.", first.DeliveryId, StringComparison.Ordinal);
        JsonObject report = await _t.ReportAsync(campaign);
        Assert.Equal(2500, report["channels"]!["email"]!["byStatus"]!["sent"]!.GetValue<int>());
        Assert.Equal("completed", report["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task FaultsAndACrashMidBatch_NobodyGetsTwo_AndTheReportAddsUp()
    {
        _t = await CampaignsTestApp.StartAsync(providers: true);
        const int count = 2200;
        await _t.ImportAsync(Supporters(count));
        string segment = await _t.CreateSegmentAsync(new { name = "All", tagsAny = new[] { "asylum" } });
        string campaign = await _t.CreateApprovedCampaignAsync(segment, ["email", "sms"]);

        // SendGrid: the 2nd request is taken but answered 500 (ambiguous); the 3rd is throttled once.
        _t.SendGrid!.Then(FakeReply.Accepted);
        _t.SendGrid.Then(new FakeReply(500, Processed: true));
        _t.SendGrid.Then(new FakeReply(429, Processed: false, RetryAfterSeconds: 1));
        // Twilio: a send that times out after Twilio took it, a throttled one, a STOP-ed number,
        // and the send during which the process is killed.
        _t.Twilio!.OnRequest(300, new FakeReply(201, Processed: true, Delay: TimeSpan.FromSeconds(5)));
        _t.Twilio.OnRequest(600, new FakeReply(429, Processed: false, RetryAfterSeconds: 1));
        _t.Twilio.OnRequest(900, new FakeReply(400, Processed: false, TwilioCode: "21610"));
        const int crashAt = 1200;
        _t.Twilio.OnRequest(crashAt, new FakeReply(201, Processed: true, Delay: TimeSpan.FromMinutes(5)));

        await _t.PostAsync($"/api/v1/campaigns/{campaign}/send", new { });
        var plan = (await _t.Queue.ReceiveMessageAsync()).Value;
        Assert.True(await _t.InvokeAsync(plan.MessageText, 1));
        await _t.Queue.DeleteMessageAsync(plan.MessageId, plan.PopReceipt);

        // Run batches as the host would, killing the invocation that is waiting on the crashing send.
        bool crashed = false;
        while ((await _t.Queue.ReceiveMessagesAsync(1, TimeSpan.FromMinutes(5))).Value is [var message])
        {
            using var kill = new CancellationTokenSource();
            Task watcher = Task.Run(async () =>
            {
                while (!kill.IsCancellationRequested && _t.Twilio.Requests < crashAt)
                {
                    await Task.Delay(20);
                }

                if (!crashed && _t.Twilio.Requests >= crashAt)
                {
                    await Task.Delay(200);
                    kill.Cancel();
                }
            });
            try
            {
                if (await _t.InvokeAsync(message.MessageText, (int)message.DequeueCount, kill.Token))
                {
                    await _t.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                }
                else
                {
                    await _t.Queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero);
                }
            }
            catch (OperationCanceledException)
            {
                // The process died mid-batch: the message becomes visible again and is redelivered.
                crashed = true;
                await _t.Queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero);
            }

            await kill.CancelAsync();
            await watcher;
        }

        Assert.True(crashed);
        Assert.Empty(_t.SendGrid.ShapeErrors);
        Assert.Empty(_t.Twilio.ShapeErrors);

        // Nobody got two of anything.
        Assert.All(_t.SendGrid.Delivered.GroupBy(d => d.Email), g => Assert.Single(g));
        Assert.All(_t.Twilio.Delivered.GroupBy(d => d.To), g => Assert.Single(g));

        // Every recipient's ledger row says what happened, and agrees with what the providers took.
        var ledger = await ReadLedgerAsync(campaign);
        var emailsTaken = _t.SendGrid.Delivered.Select(d => d.DeliveryId).ToHashSet();
        var smsTaken = _t.Twilio.Delivered.Select(d => Uri.UnescapeDataString(d.Callback[(d.Callback.IndexOf("?d=", StringComparison.Ordinal) + 3)..])).ToHashSet();
        Assert.Equal(2 * count, ledger.Count);
        foreach ((string deliveryId, string status) in ledger)
        {
            bool taken = emailsTaken.Contains(deliveryId) || smsTaken.Contains(deliveryId);
            switch (status)
            {
                case "Sent": Assert.True(taken, $"{deliveryId} marked sent but never taken"); break;
                case "Failed": Assert.False(taken, deliveryId); break;
                case "Unknown": break; // taken or not, never re-sent
                default: Assert.Fail($"{deliveryId} left {status}"); break;
            }
        }

        JsonObject report = await _t.ReportAsync(campaign);
        JsonObject email = report["channels"]!["email"]!["byStatus"]!.AsObject();
        JsonObject sms = report["channels"]!["sms"]!["byStatus"]!.AsObject();
        Assert.Equal((count - 1000, 1000), (email["sent"]!.GetValue<int>(), email["unknown"]!.GetValue<int>()));
        Assert.Equal((count - 3, 2, 1), (sms["sent"]!.GetValue<int>(), sms["unknown"]!.GetValue<int>(), sms["failed"]!.GetValue<int>()));
        Assert.All(new[] { email, sms }, counts => Assert.Equal(count, counts.Sum(c => c.Value!.GetValue<int>())));
        Assert.Equal("completed", report["state"]!.GetValue<string>());

        // The STOP-ed number is now suppressed: the next campaign leaves it out.
        JsonObject preview = await _t.PostAsync($"/api/v1/campaigns/{(await _t.PostAsync("/api/v1/campaigns", CampaignsTestApp.Campaign(segment, ["sms"])))["id"]}/preview", new { });
        Assert.Equal(count - 1, preview["sms"]!["recipients"]!.GetValue<int>());

        // Unknowns are re-sent only when staff ask.
        (int twilioBefore, int sendGridBefore) = (_t.Twilio.Requests, _t.SendGrid.Requests);
        Assert.Equal(HttpStatusCode.OK, (await _t.Client.PostAsJsonAsync($"/api/v1/campaigns/{campaign}/resend-unknown", new { })).StatusCode);
        await _t.PumpAsync();
        Assert.Equal((twilioBefore + 2, sendGridBefore + 1), (_t.Twilio.Requests, _t.SendGrid.Requests));
        JsonObject after = await _t.ReportAsync(campaign);
        Assert.Equal(count, after["channels"]!["email"]!["byStatus"]!["sent"]!.GetValue<int>());
        Assert.Equal(count - 1, after["channels"]!["sms"]!["byStatus"]!["sent"]!.GetValue<int>());
    }

    [Fact]
    public async Task EmailRequestKilledMidCall_ItsRecipientsAreUnknown_AndNoneIsSentTwice()
    {
        _t = await CampaignsTestApp.StartAsync(providers: true);
        const int count = 1200; // two batches: 1000 and 200
        await _t.ImportAsync(Supporters(count, sms: false));
        string segment = await _t.CreateSegmentAsync(new { name = "All", tagsAny = new[] { "asylum" } });
        string campaign = await _t.CreateApprovedCampaignAsync(segment, ["email"]);
        // SendGrid takes the first request, then the process dies before the answer comes back.
        _t.SendGrid!.Then(new FakeReply(202, Processed: true, Delay: TimeSpan.FromMinutes(5)));

        await _t.PostAsync($"/api/v1/campaigns/{campaign}/send", new { });
        bool crashed = false;
        while ((await _t.Queue.ReceiveMessagesAsync(1, TimeSpan.FromMinutes(5))).Value is [var message])
        {
            using var kill = new CancellationTokenSource();
            Task watcher = Task.Run(async () =>
            {
                while (!crashed && !kill.IsCancellationRequested && _t.SendGrid.Requests == 0)
                {
                    await Task.Delay(20);
                }

                if (!crashed && _t.SendGrid.Requests > 0)
                {
                    await Task.Delay(200);
                    crashed = true;
                    await kill.CancelAsync();
                }
            });
            try
            {
                Assert.True(await _t.InvokeAsync(message.MessageText, (int)message.DequeueCount, kill.Token));
                await _t.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
            catch (OperationCanceledException)
            {
                // The message comes back, as the queue would bring it back after a crash.
                await _t.Queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero);
            }

            await kill.CancelAsync();
            await watcher;
        }

        Assert.True(crashed);
        Assert.Empty(_t.SendGrid.ShapeErrors);
        Assert.Equal(count, _t.SendGrid.Delivered.Count);
        Assert.All(_t.SendGrid.Delivered.GroupBy(d => d.Email), g => Assert.Single(g));
        Assert.Equal(2, _t.SendGrid.Requests); // the killed request was never made again
        var ledger = await ReadLedgerAsync(campaign);
        Assert.Equal(count, ledger.Count);
        Assert.Equal((1000, 200), (ledger.Count(r => r.Status == "Unknown"), ledger.Count(r => r.Status == "Sent")));
        JsonObject report = await _t.ReportAsync(campaign);
        Assert.Equal("completed", report["state"]!.GetValue<string>());
        Assert.Equal(1000, report["channels"]!["email"]!["byStatus"]!["unknown"]!.GetValue<int>());
    }

    [Fact]
    public async Task TheSameSendMessageTwiceAtOnce_SendsEachRecipientOnce()
    {
        _t = await CampaignsTestApp.StartAsync(providers: true);
        await _t.ImportAsync(Supporters(300, sms: false));
        string segment = await _t.CreateSegmentAsync(new { name = "All", tagsAny = new[] { "asylum" } });
        string campaign = await _t.CreateApprovedCampaignAsync(segment, ["email"]);
        _t.SendGrid!.Latency = TimeSpan.FromMilliseconds(500); // long enough for the copies to overlap
        await _t.PostAsync($"/api/v1/campaigns/{campaign}/send", new { });
        var plan = (await _t.Queue.ReceiveMessageAsync()).Value;
        Assert.True(await _t.InvokeAsync(plan.MessageText, 1));
        await _t.Queue.DeleteMessageAsync(plan.MessageId, plan.PopReceipt);
        var send = (await _t.Queue.ReceiveMessageAsync()).Value;

        // A planner that crashed after queueing its messages queues them again: two copies run at once.
        bool[] done = await Task.WhenAll(_t.InvokeAsync(send.MessageText, 1), _t.InvokeAsync(send.MessageText, 1));

        Assert.All(done, Assert.True);
        Assert.Equal(1, _t.SendGrid.Requests);
        Assert.Equal(300, _t.SendGrid.Delivered.Select(d => d.Email).Distinct().Count());
        Assert.Equal(300, _t.SendGrid.Delivered.Count);
        Assert.All(await ReadLedgerAsync(campaign), row => Assert.Equal("Sent", row.Status));
    }

    [Fact]
    public async Task SupporterWhoUnsubscribesBetweenPlanningAndSending_GetsNothing()
    {
        _t = await CampaignsTestApp.StartAsync(providers: true);
        await _t.ImportAsync(Supporters(5));
        string segment = await _t.CreateSegmentAsync(new { name = "All", tagsAny = new[] { "asylum" } });
        string campaign = await _t.CreateApprovedCampaignAsync(segment, ["email", "sms"]);
        await _t.PostAsync($"/api/v1/campaigns/{campaign}/send", new { });
        var plan = (await _t.Queue.ReceiveMessageAsync()).Value;
        await _t.InvokeAsync(plan.MessageText, 1);
        await _t.Queue.DeleteMessageAsync(plan.MessageId, plan.PopReceipt);

        JsonObject s1 = await _t.PostAsync("/api/v1/supporters/find", new { email = "s1@example.org" });
        await _t.Client.PutAsJsonAsync($"/api/v1/supporters/{s1["id"]}/consent/email", new { status = "withdrawn", source = "phone call" });
        await _t.Client.PutAsJsonAsync($"/api/v1/supporters/{s1["id"]}/consent/sms", new { status = "withdrawn", source = "phone call" });
        JsonObject s2 = await _t.PostAsync("/api/v1/supporters/find", new { email = "s2@example.org" });
        await _t.Client.DeleteAsync(new Uri($"/api/v1/supporters/{s2["id"]}", UriKind.Relative));
        await _t.PumpAsync();

        Assert.DoesNotContain(_t.SendGrid!.Delivered, d => d.Email is "s1@example.org" or "s2@example.org");
        Assert.DoesNotContain(_t.Twilio!.Delivered, d => d.To is "+447420000001" or "+447420000002");
        Assert.Equal(3, _t.SendGrid.Delivered.Count);
        Assert.Equal(3, _t.Twilio.Delivered.Count);
        JsonObject report = await _t.ReportAsync(campaign);
        Assert.Equal(2, report["channels"]!["email"]!["byStatus"]!["suppressed"]!.GetValue<int>());
    }

    [Fact]
    public async Task BatchThatKeepsFailing_EndsInThePoisonQueue_ShowsWhyInTheReport_AndStaffCanRetryIt()
    {
        _t = await CampaignsTestApp.StartAsync(providers: true);
        await _t.ImportAsync(Supporters(3, sms: false));
        string segment = await _t.CreateSegmentAsync(new { name = "All", tagsAny = new[] { "asylum" } });
        string campaign = await _t.CreateApprovedCampaignAsync(segment, ["email"]);
        for (int i = 0; i < 5; i++)
        {
            _t.SendGrid!.Then(new FakeReply(401, Processed: false)); // the key refused until staff fix it
        }

        await _t.PostAsync($"/api/v1/campaigns/{campaign}/send", new { });
        int failures = await _t.PumpAsync();

        Assert.Equal(5, failures);
        Assert.Single((await _t.Poison.PeekMessagesAsync()).Value);
        Assert.Empty(_t.SendGrid!.Delivered);
        JsonObject report = await _t.ReportAsync(campaign);
        Assert.Equal(1, report["batches"]!["poisoned"]!.GetValue<int>());
        Assert.Equal(3, report["channels"]!["email"]!["byStatus"]!["deferred"]!.GetValue<int>());
        Assert.Equal("sending", report["state"]!.GetValue<string>());
        Assert.Contains("refused the API key", report["poisoned"]![0]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Needs attention", report["status"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains($"/api/v1/campaigns/{campaign}/retry", report["status"]!.GetValue<string>(), StringComparison.Ordinal);

        // The key is fixed; staff retry, and the campaign finishes.
        HttpResponseMessage retried = await _t.Client.PostAsJsonAsync($"/api/v1/campaigns/{campaign}/retry", new { });
        Assert.Equal(1, await retried.Content.ReadFromJsonAsync<int>());
        Assert.Equal(0, await _t.PumpAsync());
        Assert.Equal(3, _t.SendGrid.Delivered.Count);
        report = await _t.ReportAsync(campaign);
        Assert.Equal(("completed", 3), (report["state"]!.GetValue<string>(), report["channels"]!["email"]!["byStatus"]!["sent"]!.GetValue<int>()));
    }

    [Fact]
    public async Task ProviderUnreachable_DefersWithoutMarkingAnythingSentOrUnknown_AndSaysWhatItWaitsFor()
    {
        _t = await CampaignsTestApp.StartAsync(providers: true, app => app.WithSetting("Twilio:BaseAddress", "http://127.0.0.1:9/2010-04-01/"));
        await _t.ImportAsync(Supporters(3));
        string segment = await _t.CreateSegmentAsync(new { name = "All", tagsAny = new[] { "asylum" } });
        string campaign = await _t.CreateApprovedCampaignAsync(segment, ["sms"]);

        await _t.PostAsync($"/api/v1/campaigns/{campaign}/send", new { });
        Assert.Equal(0, await _t.PumpAsync());

        JsonObject report = await _t.ReportAsync(campaign);
        JsonObject sms = report["channels"]!["sms"]!["byStatus"]!.AsObject();
        Assert.Equal((3, 0, 0), (sms["deferred"]!.GetValue<int>(), sms["sent"]!.GetValue<int>(), sms["unknown"]!.GetValue<int>()));
        Assert.Equal("Twilio: could not be reached", report["channels"]!["sms"]!["waiting"]![0]!["reason"]!.GetValue<string>());
        Assert.Equal((1, 0), (report["batches"]!["waiting"]!.GetValue<int>(), report["batches"]!["poisoned"]!.GetValue<int>()));
        Assert.Contains("waiting for Twilio: could not be reached", report["status"]!.GetValue<string>(), StringComparison.Ordinal);
        // The part is back on the queue, invisible for a while: tried again later, not poisoned.
        Assert.Equal(1, (await _t.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Empty((await _t.Poison.PeekMessagesAsync()).Value);
    }

    [Fact]
    public async Task OneChannelDown_TheOtherStillSends_AndTheCampaignFinishes_WhenWaitingEnds()
    {
        _t = await CampaignsTestApp.StartAsync(providers: true, app => app
            .WithSetting("SendGrid:Host", "http://127.0.0.1:9")
            .WithSetting("Alerting:DeferredGiveUpAfter", "00:00:00")); // give up at once, to reach the end here
        await _t.ImportAsync(Supporters(4));
        string segment = await _t.CreateSegmentAsync(new { name = "All", tagsAny = new[] { "asylum" } });
        string campaign = await _t.CreateApprovedCampaignAsync(segment, ["email", "sms"]);

        await _t.PostAsync($"/api/v1/campaigns/{campaign}/send", new { });
        Assert.Equal(0, await _t.PumpAsync());

        Assert.Equal(4, _t.Twilio!.Delivered.Count); // SMS went out although SendGrid was unreachable
        Assert.Empty(_t.SendGrid!.Delivered);
        JsonObject report = await _t.ReportAsync(campaign);
        Assert.Equal("completed", report["state"]!.GetValue<string>());
        Assert.Equal(4, report["channels"]!["sms"]!["byStatus"]!["sent"]!.GetValue<int>());
        Assert.Equal(4, report["channels"]!["email"]!["byStatus"]!["failed"]!.GetValue<int>());
        Assert.All(await ReadLedgerAsync(campaign), row => Assert.Contains(row.Status, new[] { "Sent", "Failed" }));
    }

    [Fact]
    public async Task CrashBetweenSendingAndItsPlanMessage_IsResumedByTheTimer()
    {
        _t = await CampaignsTestApp.StartAsync(providers: true, app => app.WithFakeTime(new DateTimeOffset(2026, 11, 24, 11, 0, 0, TimeSpan.Zero)));
        await _t.ImportAsync(Supporters(3));
        string segment = await _t.CreateSegmentAsync(new { name = "All", tagsAny = new[] { "asylum" } });
        string campaign = await _t.CreateApprovedCampaignAsync(segment, ["email"]);
        await _t.PostAsync($"/api/v1/campaigns/{campaign}/send", new { });
        // The process died after the campaign became "sending" and before its plan reached the queue.
        await _t.Queue.ClearMessagesAsync();

        JsonObject stuck = await _t.ReportAsync(campaign);
        Assert.Equal("sending", stuck["state"]!.GetValue<string>());
        Assert.StartsWith("Planning", stuck["status"]!.GetValue<string>(), StringComparison.Ordinal);
        await _t.StartScheduledAsync();
        Assert.Equal(0, (await _t.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount); // not yet: it may just be slow

        _t.App.Time!.Advance(CampaignActions.StalledPlanAfter + TimeSpan.FromSeconds(1));
        Assert.Contains("resumed the plans of 1", await _t.StartScheduledAsync(), StringComparison.Ordinal);
        await _t.PumpAsync();

        Assert.Equal(3, _t.SendGrid!.Delivered.Count);
        Assert.Equal("completed", (await _t.ReportAsync(campaign))["state"]!.GetValue<string>());
        Assert.Contains("resumed the plans of 0", await _t.StartScheduledAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EditingTheSegmentAfterApproval_DoesNotWidenTheAudience()
    {
        _t = await CampaignsTestApp.StartAsync(providers: true);
        await _t.ImportAsync([.. Supporters(4).Select((row, i) => i == 0 ? row.Replace(",asylum,", ",vip,", StringComparison.Ordinal) : row)]);
        string segment = await _t.CreateSegmentAsync(new { name = "VIP", tagsAny = new[] { "vip" } });
        string campaign = await _t.CreateApprovedCampaignAsync(segment, ["email"]);

        HttpResponseMessage widened = await _t.Client.PutAsJsonAsync($"/api/v1/segments/{segment}", new { name = "VIP and asylum", tagsAny = new[] { "vip", "asylum" } });
        Assert.Equal(HttpStatusCode.OK, widened.StatusCode);
        await _t.PostAsync($"/api/v1/campaigns/{campaign}/send", new { });
        await _t.PumpAsync();

        Assert.Equal(["s0@example.org"], _t.SendGrid!.Delivered.Select(d => d.Email));
    }

    [Fact]
    public async Task ProviderThatDropsIdleConnections_NeverMeetsAStaleOne_SoNothingTurnsUnknown()
    {
        await using IdleDroppingSendGrid sendGrid = IdleDroppingSendGrid.Start(idleTimeout: TimeSpan.FromSeconds(2));
        _t = await CampaignsTestApp.StartAsync(providers: true, app => app
            .WithSetting("SendGrid:Host", sendGrid.Host.ToString())
            .WithSetting("SendGrid:ConnectionIdleTimeout", "00:00:01")); // below the provider's, as the default is
        await _t.ImportAsync(Supporters(3, sms: false));
        string segment = await _t.CreateSegmentAsync(new { name = "All", tagsAny = new[] { "asylum" } });
        string first = await _t.CreateApprovedCampaignAsync(segment, ["email"]);
        string second = await _t.CreateApprovedCampaignAsync(segment, ["email"]);

        await _t.PostAsync($"/api/v1/campaigns/{first}/send", new { });
        await _t.PumpAsync();
        await Task.Delay(TimeSpan.FromSeconds(3)); // the provider forgets the idle connection
        await _t.PostAsync($"/api/v1/campaigns/{second}/send", new { });
        await _t.PumpAsync();

        Assert.Equal((0, 6), (sendGrid.Dropped, sendGrid.Accepted));
        foreach (string campaign in new[] { first, second })
        {
            JsonObject email = (await _t.ReportAsync(campaign))["channels"]!["email"]!["byStatus"]!.AsObject();
            Assert.Equal((3, 0), (email["sent"]!.GetValue<int>(), email["unknown"]!.GetValue<int>()));
        }
    }

    [Fact]
    public async Task CampaignChannels_MustBeTheSegments()
    {
        _t = await CampaignsTestApp.StartAsync(providers: true);
        string segment = await _t.CreateSegmentAsync(new { name = "Email only", tagsAny = new[] { "asylum" }, channels = new[] { "email" } });

        HttpResponseMessage response = await _t.Client.PostAsJsonAsync("/api/v1/campaigns", CampaignsTestApp.Campaign(segment, ["email", "sms"]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        string reason = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["channels"]![0]!.GetValue<string>();
        Assert.Contains("for email only", reason, StringComparison.Ordinal);

        // A draft whose segment later narrows: the preview says what will not be sent, and approval refuses.
        string both = await _t.CreateSegmentAsync(new { name = "Both", tagsAny = new[] { "asylum" } });
        string draft = (await _t.PostAsync("/api/v1/campaigns", CampaignsTestApp.Campaign(both, ["email", "sms"])))["id"]!.GetValue<string>();
        await _t.Client.PutAsJsonAsync($"/api/v1/segments/{both}", new { name = "Both", tagsAny = new[] { "asylum" }, channels = new[] { "email" } });
        JsonObject preview = await _t.PostAsync($"/api/v1/campaigns/{draft}/preview", new { });
        Assert.Equal("Not sent: the segment is for email only.", preview["sms"]!["note"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await _t.Client.PostAsJsonAsync($"/api/v1/campaigns/{draft}/approve", new { })).StatusCode);
    }

    private async Task<List<(string DeliveryId, string Status)>> ReadLedgerAsync(string campaign)
    {
        var table = new TableClient(_t!.App.StorageConnectionString, _t.App.NamePrefix + "Deliveries");
        var rows = new List<(string, string)>();
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(e => e.PartitionKey == campaign))
        {
            string[] key = row.RowKey.Split('|');
            rows.Add(($"{campaign}.{(key[0] == "Email" ? 'e' : 's')}.{key[1]}", row.GetString("Status")!));
        }

        return rows;
    }
}
