using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alerts.Campaigns;
using Alerts.Infrastructure;
using Alerts.Messages;
using Alerts.Supporters;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Dispatch;

/// <summary>
/// Sending reads only the segment index, so every change that can stop a send must reach the index
/// before anything else, and a crash part way must leave the index saying less than the truth, never more.
/// These crash each such change between its steps, then send a campaign planned before any of them.
/// </summary>
public sealed class ConsentCrashTests : IAsyncDisposable
{
    private CampaignsTestApp? _t;

    public async ValueTask DisposeAsync()
    {
        if (_t is not null)
        {
            await _t.DisposeAsync();
        }
    }

    [Fact]
    public async Task ChangesThatStopASend_CrashedBetweenTheirSteps_StillStopIt_AndReindexRestoresOnlyWhatWasNeverChanged()
    {
        var crash = new StorageCrash();
        _t = await CampaignsTestApp.StartAsync(providers: true, crash.Install);
        await _t.ImportAsync(Enumerable.Range(0, 6).Select(i =>
            $"s{i}@example.org,+4474{(20000000 + i).ToString(CultureInfo.InvariantCulture)},P{i},asylum,yes,yes"));
        string segment = await _t.CreateSegmentAsync(new { name = "All", tagsAny = new[] { "asylum" } });
        string campaign = await _t.CreateApprovedCampaignAsync(segment, ["email", "sms"]);
        await _t.PostAsync($"/api/v1/campaigns/{campaign}/send", new { });
        var plan = (await _t.Queue.ReceiveMessageAsync()).Value;
        Assert.True(await _t.InvokeAsync(plan.MessageText, 1)); // planned: everyone, on both channels
        await _t.Queue.DeleteMessageAsync(plan.MessageId, plan.PopReceipt);
        string[] ids = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
            (await _t.PostAsync("/api/v1/supporters/find", new { email = $"s{i}@example.org" }))["id"]!.GetValue<string>()));

        // s0: staff record that s0 withdrew email consent; the process dies before the supporter row is written.
        crash.AtNextWriteTo(_t.App, "Supporters");
        await AttemptAsync(() => _t.Client.PutAsJsonAsync($"/api/v1/supporters/{ids[0]}/consent/email", new { status = "withdrawn", source = "phone call" }));
        // s1: unsubscribes by one click; it dies after the withdrawal, before the suppression list is written.
        crash.AtNextWriteTo(_t.App, "Suppressions");
        await AttemptAsync(() => UnsubscribeAsync(ids[1]));
        // s2: unsubscribes; it dies before the supporter row is written.
        crash.AtNextWriteTo(_t.App, "Supporters");
        await AttemptAsync(() => UnsubscribeAsync(ids[2]));
        // s3: staff erase s3; it dies after the index rows went, before the suppression list is written.
        crash.AtNextWriteTo(_t.App, "Suppressions");
        await AttemptAsync(() => _t.Client.DeleteAsync(new Uri($"/api/v1/supporters/{ids[3]}", UriKind.Relative)));
        Assert.Equal(4, crash.Crashes);

        Assert.Equal(0, await _t.PumpAsync());

        // Nobody who withdrew or was suppressed, or erased, got the email, though each change stopped part way;
        // the channel nobody touched still went out.
        Assert.Equal(["s4@example.org", "s5@example.org"], _t.SendGrid!.Delivered.Select(d => d.Email).Order());
        Assert.Equal(["+447420000000", "+447420000001", "+447420000002", "+447420000004", "+447420000005"], _t.Twilio!.Delivered.Select(d => d.To).Order());
        JsonObject report = await _t.ReportAsync(campaign);
        Assert.Equal((2, 4), (report["channels"]!["email"]!["byStatus"]!["sent"]!.GetValue<int>(), report["channels"]!["email"]!["byStatus"]!["suppressed"]!.GetValue<int>()));

        // Reindex puts back only what the supporter row still says: s1's withdrawal was written, so s1 stays
        // out; the changes that never reached the supporter row (s0, s2, s3) failed, and their callers retry.
        foreach (string id in ids.Take(4))
        {
            Assert.True((await _t.Client.PostAsync(new Uri($"/api/v1/supporters/{id}/reindex", UriKind.Relative), null)).IsSuccessStatusCode);
        }

        JsonObject count = (await _t.Client.GetFromJsonAsync<JsonObject>($"/api/v1/segments/{segment}/count"))!;
        Assert.Equal((5, 6), (count["channels"]!["email"]!.GetValue<int>(), count["channels"]!["sms"]!.GetValue<int>()));
        await UnsubscribeAsync(ids[2]);
        Assert.True((await _t.Client.DeleteAsync(new Uri($"/api/v1/supporters/{ids[3]}", UriKind.Relative))).IsSuccessStatusCode);
        count = (await _t.Client.GetFromJsonAsync<JsonObject>($"/api/v1/segments/{segment}/count"))!;
        Assert.Equal((3, 5), (count["channels"]!["email"]!.GetValue<int>(), count["channels"]!["sms"]!.GetValue<int>()));
    }

    private Task<HttpResponseMessage> UnsubscribeAsync(string supporterId)
    {
        Uri link = _t!.App.Services.GetRequiredService<UnsubscribeLinks>().For(supporterId, Channel.Email);
        return _t.Client.PostAsync(new Uri(link.PathAndQuery, UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" }));
    }

    /// <summary>A request during which the process dies: whatever it answers (or throws), only what it left behind counts.</summary>
    private static async Task AttemptAsync(Func<Task<HttpResponseMessage>> request)
    {
        try
        {
            using HttpResponseMessage response = await request();
            Assert.False(response.IsSuccessStatusCode, "the crash should have stopped the request");
        }
        catch (Azure.RequestFailedException)
        {
        }
    }
}
