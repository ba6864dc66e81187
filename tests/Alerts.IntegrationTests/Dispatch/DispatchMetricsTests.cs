using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Alerts.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Alerts.Campaigns;

namespace Alerts.Dispatch;

/// <summary>The metrics a campaign produces, as an exporter would read them.</summary>
public sealed class DispatchMetricsTests
{
    [Fact]
    public async Task Campaign_CountsMessagesPerChannelAndOutcome_AndTimesBatchesAndProviders()
    {
        await using CampaignsTestApp t = await CampaignsTestApp.StartAsync(providers: true);
        await t.ImportAsync(["m0@example.org,+447450000000,A,asylum,yes,yes", "m1@example.org,+447450000001,B,asylum,yes,yes", "m2@example.org,+447450000002,C,asylum,yes,no"]);
        string segment = await t.CreateSegmentAsync(new { name = "All", tagsAny = new[] { "asylum" } });
        string campaign = await t.CreateApprovedCampaignAsync(segment, ["email", "sms"]);
        t.Twilio!.OnRequest(2, new Fakes.FakeReply(400, Processed: false, TwilioCode: "21610"));

        AlertsMetrics metrics = t.App.Services.GetRequiredService<AlertsMetrics>();
        var measured = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this app's instruments: other tests' apps share the meter name.
            if (instrument == metrics.Messages || instrument == metrics.BatchDuration || instrument == metrics.ProviderDuration)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measured.Enqueue((i.Name, v, tags.ToArray().ToDictionary(p => p.Key, p => p.Value))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measured.Enqueue((i.Name, v, tags.ToArray().ToDictionary(p => p.Key, p => p.Value))));
        listener.Start();

        await t.PostAsync($"/api/v1/campaigns/{campaign}/send", new { });
        await t.PumpAsync();

        double Count(string channel, string outcome) => measured
            .Where(m => m.Instrument == "alerts.messages" && (string)m.Tags["channel"]! == channel && (string)m.Tags["outcome"]! == outcome).Sum(m => m.Value);
        Assert.Equal(3, Count("Email", "sent"));
        Assert.Equal(1, Count("Sms", "sent"));
        Assert.Equal(1, Count("Sms", "failed"));
        Assert.Equal(0, Count("Sms", "suppressed")); // m2 never consented to SMS, so no SMS was planned for them
        Assert.Equal(2, measured.Count(m => m.Instrument == "alerts.dispatch.batch.duration")); // one per channel's part of the batch
        Assert.Contains(measured, m => m.Instrument == "alerts.provider.request.duration" && (string)m.Tags["provider"]! == "sendgrid");
        Assert.Equal(2, measured.Count(m => m.Instrument == "alerts.provider.request.duration" && (string)m.Tags["provider"]! == "twilio"));
    }
}
