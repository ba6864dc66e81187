using System.Diagnostics;
using System.Globalization;
using Alerts.Campaigns;
using Alerts.Fakes;
using Alerts.Infrastructure;
using Alerts.Segments;
using Alerts.Supporters;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Benchmarks;

/// <summary>
/// Sends an SMS campaign of thirty seconds' worth of messages at a configured rate to the loopback Twilio
/// (50 ms added to each answer) and measures, from when each request reached Twilio, the rate achieved
/// and the most requests in any one-second window.
/// </summary>
internal static class SmsPacingBenchmark
{
    private static readonly TimeSpan ProviderLatency = TimeSpan.FromMilliseconds(50);

    public const string Header =
        "| configured rate (SMS/s) | messages | achieved rate (SMS/s) | achieved ÷ configured | most in any 1 s window |\n"
        + "|---|---|---|---|---|";

    public static async Task<BenchmarkRow> RunAsync(int rate)
    {
        int count = rate * 30;
        await using FakeTwilio twilio = await FakeTwilio.StartAsync();
        twilio.Latency = ProviderLatency;
        await using AlertsAppFactory app = (await AlertsAppFactory.CreateAsync())
            .WithSetting("Twilio:AccountSid", FakeTwilio.AccountSid)
            .WithSetting("Twilio:AuthToken", FakeTwilio.AuthToken)
            .WithSetting("Twilio:MessagingServiceSid", FakeTwilio.MessagingServiceSid)
            .WithSetting("Twilio:BaseAddress", twilio.BaseAddress.ToString())
            .WithSetting("Alerting:SmsPerSecond", rate.ToString(CultureInfo.InvariantCulture))
            .WithSetting("Alerting:SmsQuietHoursStart", "00:00") // no quiet hours: the run may be at night
            .WithSetting("Alerting:SmsQuietHoursEnd", "00:00")
            .WithSetting("Logging:LogLevel:Default", "Warning");
        IServiceProvider services = app.Services;

        Program.Progress($"SMS at {rate}/s: seeding {count}");
        var store = services.GetRequiredService<SupporterStore>();
        var hasher = services.GetRequiredService<ContactHasher>();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var consent = new ChannelConsent(ConsentStatus.Granted, LawfulBasis.Consent, "bench", now);
        await Parallel.ForEachAsync(Enumerable.Range(0, count), async (i, token) =>
        {
            string phone = string.Create(CultureInfo.InvariantCulture, $"+4474{30000000 + i}");
            await store.TrySaveAsync(new Supporter(hasher.NewSupporterId(Channel.Sms, phone), "B" + i, null, null, phone, null, null, null, null,
                EnrichmentStatus.None, ["sms"], ChannelConsent.None, consent, now, now), null, default, token);
        });

        Segment segment = await services.GetRequiredService<SegmentStore>().CreateAsync(
            new SegmentDefinition { Name = "sms", TagsAny = ["sms"], Channels = [Channel.Sms] }, now);
        var campaigns = services.GetRequiredService<CampaignActions>();
        string id = (await campaigns.CreateDraftAsync(new CampaignContent
        {
            Name = "sms bench", SegmentId = segment.Id, Channels = [Channel.Sms], Sms = "{{first_name}}, the bill is at report stage. Act: {{action_link}}",
            ActionLink = new Uri("https://example.org/act"),
        }, "bench")).Campaign!.Id;
        await campaigns.ApproveAsync(id, "bench", "bench");

        Program.Progress($"SMS at {rate}/s: sending");
        await campaigns.SendAsync(id, null, "bench");
        await DispatchPump.RunAsync(app);

        long[] arrivals = [.. twilio.Arrivals.Order()];
        if (arrivals.Length != count || !twilio.ShapeErrors.IsEmpty)
        {
            throw new InvalidOperationException($"expected {count} well-formed SMS requests, Twilio had {arrivals.Length} ({twilio.ShapeErrors.Count} malformed)");
        }

        double achieved = (count - 1) / Stopwatch.GetElapsedTime(arrivals[0], arrivals[^1]).TotalSeconds;
        int mostInASecond = MostInAnySecond(arrivals);

        return new BenchmarkRow(string.Create(CultureInfo.InvariantCulture,
            $"| {rate} | {count} | {achieved:F2} | {achieved / rate:P1} | {mostInASecond} |"),
            achieved >= 0.95 * rate && mostInASecond <= rate);
    }

    /// <summary>The most arrivals in any window [t, t + 1 s) starting at an arrival (where the busiest window can start).</summary>
    private static int MostInAnySecond(long[] sorted)
    {
        int most = 0;
        for (int first = 0, last = 0; first < sorted.Length; first++)
        {
            while (last < sorted.Length && Stopwatch.GetElapsedTime(sorted[first], sorted[last]) < TimeSpan.FromSeconds(1))
            {
                last++;
            }

            most = Math.Max(most, last - first);
        }

        return most;
    }
}
