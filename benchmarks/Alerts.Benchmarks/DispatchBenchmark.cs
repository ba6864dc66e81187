using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Alerts.Campaigns;
using Alerts.Dispatch;
using Alerts.Fakes;
using Alerts.Infrastructure;
using Alerts.Segments;
using Alerts.Supporters;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Benchmarks;

/// <summary>
/// Seeds N supporters into Azurite, reads their segment once (the floor), runs a real email campaign
/// through planning, the dispatch queue and DispatchBatch against the loopback SendGrid, and runs a naive
/// baseline that makes one provider request per recipient.
/// </summary>
internal static class DispatchBenchmark
{
    /// <summary>What a real SendGrid call costs beyond loopback: network and API time, a modest 50 ms.</summary>
    private static readonly TimeSpan ProviderLatency = TimeSpan.FromMilliseconds(50);

    /// <summary>Requests the baseline keeps in flight: generous, as a fan-out of per-message functions would be.</summary>
    private const int BaselineParallelism = 16;

    public const string Header =
        "| N | seed (s) | read segment: floor (s) | campaign (s) | campaign ÷ floor | recipients/s | SendGrid requests | ceil(N/1000) | peak managed heap (MB) | live heap growth (MB) | baseline (s) | baseline / campaign |\n"
        + "|---|---|---|---|---|---|---|---|---|---|---|---|";

    public static async Task<BenchmarkRow> RunAsync(int n)
    {
        await using FakeSendGrid sendGrid = await FakeSendGrid.StartAsync();
        sendGrid.Latency = ProviderLatency;
        var received = new MessagesPerMember(n);
        sendGrid.OnAccepted = received.Count;
        await using AlertsAppFactory app = (await AlertsAppFactory.CreateAsync())
            .WithSetting("SendGrid:ApiKey", FakeSendGrid.ApiKey)
            .WithSetting("SendGrid:Host", sendGrid.Host.ToString())
            .WithSetting("Logging:LogLevel:Default", "Warning");
        IServiceProvider services = app.Services;

        Program.Progress($"N={n:N0}: seeding");
        var seed = Stopwatch.StartNew();
        await SeedAsync(services, n);
        seed.Stop();

        var segments = services.GetRequiredService<SegmentStore>();
        var definition = new SegmentDefinition { Name = "bench", TagsAny = ["asylum"], Channels = [Channel.Email] };
        Segment segment = await segments.CreateAsync(definition, DateTimeOffset.UtcNow);

        // The floor: each member's index row read once, whole (what a send needs of them), nothing else.
        Program.Progress($"N={n:N0}: reading the segment (floor)");
        var floor = Stopwatch.StartNew();
        int members = 0;
        await foreach (IndexRow _ in services.GetRequiredService<SegmentEvaluator>().MembersAsync(definition))
        {
            members++;
        }

        floor.Stop();
        if (members != n)
        {
            throw new InvalidOperationException($"expected {n} members, read {members}");
        }

        var campaigns = services.GetRequiredService<CampaignActions>();
        CampaignOutcome draft = await campaigns.CreateDraftAsync(new CampaignContent
        {
            Name = "bench", SegmentId = segment.Id, Channels = [Channel.Email],
            Email = new EmailContent(null, "Hello {{first_name}}", "<p>{{first_name}}</p><a href=\"{{unsubscribe_link}}\">unsubscribe</a>", "{{first_name}} {{unsubscribe_link}}"),
        }, "bench");
        string id = draft.Campaign!.Id;
        await campaigns.ApproveAsync(id, "bench", "bench");

        // Seeding's garbage is not the campaign's memory.
        long liveBefore = PeakHeap.Live();
        Program.Progress($"N={n:N0}: sending the campaign");
        var heap = new PeakHeap();
        var run = Stopwatch.StartNew();
        await campaigns.SendAsync(id, null, "bench");
        await DispatchPump.RunAsync(app);
        run.Stop();
        heap.Dispose();
        int campaignRequests = sendGrid.Requests;
        long liveGrowthMb = (PeakHeap.Live() - liveBefore) / (1024 * 1024);
        received.ExpectEach(1, sendGrid);

        Program.Progress($"N={n:N0}: sending the baseline");
        var baseline = Stopwatch.StartNew();
        await NaiveBaselineAsync(services, definition, sendGrid.Host);
        baseline.Stop();
        received.ExpectEach(2, sendGrid);

        double ratio = run.Elapsed / floor.Elapsed;
        int expectedRequests = (n + 999) / 1000;
        return new BenchmarkRow(string.Create(CultureInfo.InvariantCulture,
            $"| {n:N0} | {seed.Elapsed.TotalSeconds:F1} | {floor.Elapsed.TotalSeconds:F2} | {run.Elapsed.TotalSeconds:F1} | {ratio:F1} | {n / run.Elapsed.TotalSeconds:N0} | {campaignRequests} | {expectedRequests} | {heap.PeakMegabytes} | {liveGrowthMb} | {baseline.Elapsed.TotalSeconds:F1} | {baseline.Elapsed / run.Elapsed:F1}× |"),
            ratio <= 3 && campaignRequests == expectedRequests);
    }

    /// <summary>Writes supporters straight through the store (not the import endpoint), 32 at a time.</summary>
    internal static async Task SeedAsync(IServiceProvider services, int n)
    {
        var store = services.GetRequiredService<SupporterStore>();
        var hasher = services.GetRequiredService<ContactHasher>();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var consent = new ChannelConsent(ConsentStatus.Granted, LawfulBasis.Consent, "bench", now);
        await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, token) =>
        {
            string email = MessagesPerMember.Address(i);
            var supporter = new Supporter(hasher.NewSupporterId(Channel.Email, email), "B" + i, null, email, null, null, null, null, null,
                EnrichmentStatus.None, ["asylum"], consent, ChannelConsent.None, now, now);
            await store.TrySaveAsync(supporter, null, default, token);
        });
    }

    /// <summary>
    /// One request per recipient, as a per-message output binding would do: read the supporter, check
    /// suppression, claim a ledger row, and POST a one-recipient mail/send, sixteen in flight.
    /// </summary>
    private static async Task NaiveBaselineAsync(IServiceProvider services, SegmentDefinition definition, Uri sendGridHost)
    {
        var store = services.GetRequiredService<SupporterStore>();
        var suppressions = services.GetRequiredService<SuppressionList>();
        var ledger = services.GetRequiredService<DeliveryLedger>();
        using var http = new HttpClient { BaseAddress = sendGridHost };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", FakeSendGrid.ApiKey);
        string campaignId = "naive" + Guid.NewGuid().ToString("N")[..8];
        await Parallel.ForEachAsync(services.GetRequiredService<SegmentEvaluator>().MembersAsync(definition), new ParallelOptions { MaxDegreeOfParallelism = BaselineParallelism },
            async (row, token) =>
            {
                Supporter supporter = (await store.GetAsync(row.SupporterId, token))!.Value.Supporter;
                if (await suppressions.FindAsync(Channel.Email, supporter.Email!, token) is not null
                    || !await ledger.TryReserveAsync(campaignId, Channel.Email, supporter.Id, 0, DateTimeOffset.UtcNow, cancellationToken: token))
                {
                    return;
                }

                var body = new
                {
                    personalizations = new[]
                    {
                        new
                        {
                            to = new[] { new { email = supporter.Email } },
                            headers = new Dictionary<string, string> { ["List-Unsubscribe"] = "<https://example.org/u>", ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click" },
                            custom_args = new Dictionary<string, string> { ["delivery_id"] = campaignId + supporter.Id, ["campaign_id"] = campaignId },
                        },
                    },
                    from = new { email = "alerts@example.org" },
                    subject = "Hello " + supporter.FirstName,
                    content = new[] { new { type = "text/plain", value = "x" }, new { type = "text/html", value = "<p>x</p>" } },
                };
                using HttpResponseMessage response = await http.PostAsync(new Uri("/v3/mail/send", UriKind.Relative),
                    new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"), token);
                await ledger.RecordAsync(campaignId, Channel.Email, supporter.Id, DeliveryStatus.Sent, null, null, DateTimeOffset.UtcNow, token);
            });
    }

}
