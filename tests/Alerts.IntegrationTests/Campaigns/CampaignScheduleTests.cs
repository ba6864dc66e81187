using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Alerts.Campaigns;

/// <summary>Scheduling and SMS quiet hours, on a fake clock.</summary>
public sealed class CampaignScheduleTests : IAsyncDisposable
{
    private CampaignsTestApp? _t;

    public async ValueTask DisposeAsync()
    {
        if (_t is not null)
        {
            await _t.DisposeAsync();
        }
    }

    private async Task<string> SeedAsync(string[] channels)
    {
        await _t!.ImportAsync(["a@example.org,07400 100001,Amira,asylum,yes,yes", "b@example.org,07400 100002,Ben,asylum,yes,yes"]);
        string segment = await _t.CreateSegmentAsync(new { name = "Asylum", tagsAny = new[] { "asylum" } });
        return await _t.CreateApprovedCampaignAsync(segment, channels);
    }

    [Fact]
    public async Task ScheduledCampaign_StartsWhenItsTimeComes()
    {
        _t = await CampaignsTestApp.StartAsync(providers: true, app => app.WithFakeTime(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero)));
        string campaign = await SeedAsync(["email"]);

        JsonObject scheduled = await _t.PostAsync($"/api/v1/campaigns/{campaign}/send", new { scheduledAt = "2026-11-24T11:00:00Z" });
        Assert.Equal("scheduled", scheduled["state"]!.GetValue<string>());

        await _t.StartScheduledAsync();
        await _t.PumpAsync();
        Assert.Equal(0, _t.SendGrid!.Requests);

        _t.App.Time!.Advance(TimeSpan.FromMinutes(61));
        await _t.StartScheduledAsync();
        await _t.PumpAsync();
        Assert.Equal(2, _t.SendGrid.Delivered.Count);
        Assert.Equal("completed", (await _t.ReportAsync(campaign))["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task SmsInQuietHours_WaitsUntilTheyEnd_WhileEmailGoesNow()
    {
        // 22:30 in London (GMT in November): inside the default 21:00–08:00 quiet hours.
        _t = await CampaignsTestApp.StartAsync(providers: true, app => app
            .WithSetting("Alerting:SmsQuietHoursStart", "21:00").WithSetting("Alerting:SmsQuietHoursEnd", "08:00")
            .WithFakeTime(new DateTimeOffset(2026, 11, 24, 22, 30, 0, TimeSpan.Zero)));
        string campaign = await SeedAsync(["email", "sms"]);

        await _t.PostAsync($"/api/v1/campaigns/{campaign}/send", new { });
        await _t.PumpAsync();

        Assert.Equal(2, _t.SendGrid!.Delivered.Count);
        Assert.Empty(_t.Twilio!.Delivered);
        JsonObject waiting = await _t.ReportAsync(campaign);
        Assert.Equal("sending", waiting["state"]!.GetValue<string>());
        // Shown as waiting until 08:00 London (GMT in November), not as failing.
        Assert.Equal((1, 0), (waiting["batches"]!["waiting"]!.GetValue<int>(), waiting["batches"]!["failing"]!.GetValue<int>()));
        JsonObject sms = waiting["channels"]!["sms"]!.AsObject();
        Assert.Equal("SMS quiet hours", sms["waiting"]![0]!["reason"]!.GetValue<string>());
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero), sms["waiting"]![0]!["until"]!.GetValue<DateTimeOffset>());
        Assert.Equal((2, 2), (sms["planned"]!.GetValue<int>(), sms["byStatus"]!["queued"]!.GetValue<int>()));
        // The batch's SMS is back on the queue, invisible until 08:00.
        Assert.Equal(1, (await _t.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Empty((await _t.Queue.PeekMessagesAsync()).Value);

        // At 08:01 the held message arrives (posted here as the host would deliver it).
        _t.App.Time!.Advance(TimeSpan.FromHours(9.5) + TimeSpan.FromMinutes(1));
        string held = Alerts.Dispatch.DispatchMessage.Send(campaign, 0, Supporters.Channel.Sms).ToJson();
        Assert.True(await _t.InvokeAsync(held, 1));

        Assert.Equal(2, _t.Twilio.Delivered.Count);
        Assert.Equal("completed", (await _t.ReportAsync(campaign))["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task CancelledScheduledCampaign_NeverStarts()
    {
        _t = await CampaignsTestApp.StartAsync(providers: true, app => app.WithFakeTime(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero)));
        string campaign = await SeedAsync(["email"]);
        await _t.PostAsync($"/api/v1/campaigns/{campaign}/send", new { scheduledAt = "2026-11-24T10:30:00Z" });

        await _t.PostAsync($"/api/v1/campaigns/{campaign}/cancel", new { });
        _t.App.Time!.Advance(TimeSpan.FromHours(1));
        await _t.StartScheduledAsync();
        await _t.PumpAsync();

        Assert.Equal(0, _t.SendGrid!.Requests);
        Assert.Equal(HttpStatusCode.Conflict, (await _t.Client.PostAsJsonAsync($"/api/v1/campaigns/{campaign}/send", new { })).StatusCode);
    }
}
