using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alerts.Campaigns;
using Alerts.Fakes;

namespace Alerts.Divisions;

/// <summary>
/// "Your MP can speak on this tomorrow": reminder rules on a fake clock, with the recorded bill 2818's shapes
/// served from loopback and given CONSTRUCTED sittings in January 2027 (GMT, so London time is UTC).
/// </summary>
public sealed class SittingReminderTests : IAsyncDisposable
{
    private const int SecondReading = 12655;
    private readonly DateTimeOffset _start = new(2027, 1, 4, 10, 0, 0, TimeSpan.Zero); // a Monday
    private CampaignsTestApp _t = null!;
    private FakeBillsApi _bills = null!;
    private BillScenario _bill = null!;

    public async ValueTask DisposeAsync()
    {
        await _t.DisposeAsync();
        await _bills.DisposeAsync();
    }

    private async Task<string> StartAsync(string mode)
    {
        _bills = await FakeBillsApi.StartAsync();
        _t = await CampaignsTestApp.StartAsync(providers: false, app => app
            .WithSetting("Parliament:BillsBaseAddress", _bills.BaseAddress.ToString())
            .WithFakeTime(_start));
        _bill = BillScenario.Recorded();
        _bill.ServeOn(_bills);
        await _t.PostAsync("/api/v1/bills", new { billId = 2818 });
        await _t.ImportAsync(["a@example.org,07400 100001,Amira,asylum,yes,yes", "b@example.org,07400 100002,Ben,asylum,yes,no"]);
        string segment = await _t.CreateSegmentAsync(new { name = "Asylum", tagsAny = new[] { "asylum" }, channels = new[] { "email", "sms" } });
        await _t.PostAsync("/api/v1/alert-rules", new
        {
            name = "The day before",
            billId = 2818,
            eventKinds = new[] { "SittingScheduled" },
            reminder = new { daysBefore = 1, at = "09:00" },
            mode,
            campaign = new
            {
                name = "Tomorrow: {{bill_title}}",
                segmentId = segment,
                channels = new[] { "email", "sms" },
                email = new { subject = "{{mp_name}} can speak on {{bill_title}} on {{sitting_date}}", html = "<p>{{first_name}}, write today.</p><p>{{unsubscribe_link}}</p>", text = "{{first_name}}, write today. {{unsubscribe_link}}" },
                sms = "{{first_name}}: {{mp_name}} can speak on {{bill_title}} on {{sitting_date}}. Write today.",
            },
        });
        return segment;
    }

    private async Task PollBillsAsync() => Assert.True((await _t.App.InvokeAsync("WatchBills")).Succeeded);

    private async Task<JsonObject> OnlyCampaignAsync() => Assert.Single((await _t.Client.GetFromJsonAsync<JsonArray>("/api/v1/campaigns"))!)!.AsObject();

    private async Task<JsonArray> OutboxAsync(string campaign) => (await _t.Client.GetFromJsonAsync<JsonArray>($"/api/v1/campaigns/{campaign}/outbox"))!;

    private async Task RunSchedulerAsync()
    {
        await Task.WhenAll(_t.StartScheduledAsync(), _t.StartScheduledAsync()); // two overlapping runs
        Assert.Equal(0, await _t.PumpAsync());
    }

    [Fact]
    public async Task AReminder_IsScheduledAtItsLeadTime_MovesWithTheSitting_AndIsSentOnce()
    {
        await StartAsync("draft");
        _bill.AddSitting(SecondReading, 99001, new DateTime(2027, 1, 12)).ServeOn(_bills);
        await PollBillsAsync();

        JsonObject draft = await OnlyCampaignAsync();
        string id = draft["id"]!.GetValue<string>();
        Assert.Equal("draft", draft["state"]!.GetValue<string>());
        Assert.Equal(new DateTimeOffset(2027, 1, 11, 9, 0, 0, TimeSpan.Zero), draft["scheduledAt"]!.GetValue<DateTimeOffset>());
        JsonObject approved = await _t.PostAsync($"/api/v1/campaigns/{id}/approve", new { approvedBy = "campaigns lead" });
        Assert.Equal("scheduled", approved["state"]!.GetValue<string>());

        // The second reading is put back a week: the reminder follows it.
        _t.App.Time!.Advance(TimeSpan.FromDays(2));
        _bill.MoveSitting(99001, new DateTime(2027, 1, 19)).ServeOn(_bills);
        await PollBillsAsync();
        JsonObject moved = await OnlyCampaignAsync();
        Assert.Equal("scheduled", moved["state"]!.GetValue<string>());
        Assert.Equal(new DateTimeOffset(2027, 1, 18, 9, 0, 0, TimeSpan.Zero), moved["scheduledAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal("2027-01-19", moved["content"]!["bill"]!["sittingDate"]!.GetValue<string>());

        // The old time passes with nothing sent.
        _t.App.Time.SetUtcNow(new DateTimeOffset(2027, 1, 11, 9, 1, 0, TimeSpan.Zero));
        await RunSchedulerAsync();
        Assert.Empty(await OutboxAsync(id));

        // At the new one it goes, once to each supporter on each channel they consented to, naming the new date.
        _t.App.Time.SetUtcNow(new DateTimeOffset(2027, 1, 18, 9, 1, 0, TimeSpan.Zero));
        await RunSchedulerAsync();
        await RunSchedulerAsync();
        await PollBillsAsync();
        JsonArray outbox = await OutboxAsync(id);
        Assert.Equal(["Email a@example.org", "Email b@example.org", "Sms +447400100001"],
            outbox.Select(m => $"{m!["channel"]} {m["to"]}").Order(StringComparer.Ordinal));
        Assert.Contains("on Tuesday 19 January", outbox.Single(m => m!["channel"]!.GetValue<string>() == "Sms")!["body"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("completed", (await _t.ReportAsync(id))["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task RoyalAssentBeforeTheReminder_CancelsIt_AndNothingIsSent()
    {
        await StartAsync("sendAutomatically");
        _bill.AddSitting(SecondReading, 99001, new DateTime(2027, 1, 12)).ServeOn(_bills);
        await PollBillsAsync();
        JsonObject scheduled = await OnlyCampaignAsync();
        Assert.Equal("scheduled", scheduled["state"]!.GetValue<string>());

        _t.App.Time!.Advance(TimeSpan.FromDays(1));
        _bill.RoyalAssent(12700, 99002, new DateTime(2027, 1, 5), "Abolition of Business Rates Act 2027").ServeOn(_bills);
        await PollBillsAsync();
        await PollBillsAsync();

        string id = scheduled["id"]!.GetValue<string>();
        Assert.Equal("cancelled", (await OnlyCampaignAsync())["state"]!.GetValue<string>());
        _t.App.Time.SetUtcNow(new DateTimeOffset(2027, 1, 11, 9, 1, 0, TimeSpan.Zero));
        await RunSchedulerAsync();
        Assert.Empty(await OutboxAsync(id));
    }

    [Fact]
    public async Task ASittingAlreadyUnderWay_GetsNoReminder_AndAReminderRuleMustBeOnSittings()
    {
        await StartAsync("draft");
        _bill.AddSitting(SecondReading, 99001, new DateTime(2027, 1, 4)).ServeOn(_bills); // today
        await PollBillsAsync();
        Assert.Empty((await _t.Client.GetFromJsonAsync<JsonArray>("/api/v1/campaigns"))!);

        HttpResponseMessage wrong = await _t.Client.PostAsJsonAsync("/api/v1/alert-rules", new
        {
            name = "Bad", eventKinds = new[] { "StageReached" }, reminder = new { daysBefore = 20 },
            campaign = new { name = "x", segmentId = "s1", channels = new[] { "sms" }, sms = "x" },
        });
        JsonObject problem = (await wrong.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(400, (int)wrong.StatusCode);
        Assert.True(problem["errors"]!.AsObject().ContainsKey("reminder"), problem.ToJsonString());
        Assert.True(problem["errors"]!.AsObject().ContainsKey("reminder.daysBefore"), problem.ToJsonString());
    }
}
