using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Alerts.Fakes;
using Alerts.Infrastructure;
using Alerts.Supporters;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Alerts.Campaigns;
using Alerts.Dispatch;
using Alerts.Segments;

// Dispatch benchmark: seeds N supporters into Azurite, runs a real email campaign through planning, the
// dispatch queue and DispatchBatch against a loopback SendGrid, and compares it with a naive baseline
// that makes one provider request per recipient. Usage: dotnet run -c Release --project benchmarks/Alerts.Benchmarks -- [N ...]
namespace Alerts.Benchmarks;

internal static class Benchmark
{
    /// <summary>What a real SendGrid call costs beyond loopback: network and API time, a modest 50 ms.</summary>
    private static readonly TimeSpan ProviderLatency = TimeSpan.FromMilliseconds(50);

    /// <summary>Requests the baseline keeps in flight: generous, as a fan-out of per-message functions would be.</summary>
    private const int BaselineParallelism = 16;

    public static async Task Main(string[] args)
    {
        // WebApplicationFactory finds the app's content root from this setting outside a test host.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_ALERTS_FUNCTIONS", Path.Combine(RepoPaths.Root, "functions", "Alerts.Functions"));
        int[] sizes = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [10_000, 100_000];
        Console.WriteLine($"Provider latency {ProviderLatency.TotalMilliseconds} ms; campaign: 4 batches in flight; baseline: {BaselineParallelism} requests in flight.");
        Console.WriteLine("| N | seed (s) | read segment: floor (s) | campaign (s) | SendGrid requests | ceil(N/1000) | peak managed heap (MB) | live heap growth (MB) | baseline (s) | baseline requests | baseline / campaign |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (int n in sizes)
        {
            Console.WriteLine(await RunAsync(n));
        }
    }

    public static async Task<string> RunAsync(int n)
    {
        await using FakeSendGrid sendGrid = await FakeSendGrid.StartAsync();
        sendGrid.Latency = ProviderLatency;
        var received = new MessagesPerMember(n);
        sendGrid.OnAccepted = received.Count;
        await using AlertsAppFactory app = (await AlertsAppFactory.CreateAsync())
            .WithSetting("SendGrid:ApiKey", FakeSendGrid.ApiKey)
            .WithSetting("SendGrid:Host", sendGrid.Host.ToString())
            .WithSetting("Logging:LogLevel:Default", "Warning");
        HttpClient client = app.CreateClient();
        client.Timeout = TimeSpan.FromMinutes(10);
        IServiceProvider services = app.Services;

        Progress(n, "seeding");
        var seed = Stopwatch.StartNew();
        await SeedAsync(services, n);
        seed.Stop();

        var segments = services.GetRequiredService<SegmentStore>();
        var definition = new SegmentDefinition { Name = "bench", TagsAny = ["asylum"], Channels = [Channel.Email] };
        Segment segment = await segments.CreateAsync(definition, DateTimeOffset.UtcNow);

        Progress(n, "reading the segment (floor)");
        var floor = Stopwatch.StartNew();
        int members = 0;
        await foreach (IndexRow _ in services.GetRequiredService<SegmentEvaluator>().MembersAsync(definition))
        {
            members++;
        }

        floor.Stop();

        var campaigns = services.GetRequiredService<CampaignActions>();
        CampaignOutcome draft = await campaigns.CreateDraftAsync(new CampaignContent
        {
            Name = "bench", SegmentId = segment.Id, Channels = [Channel.Email],
            Email = new EmailContent(null, "Hello {{first_name}}", "<p>{{first_name}}</p><a href=\"{{unsubscribe_link}}\">unsubscribe</a>", "{{first_name}} {{unsubscribe_link}}"),
        }, "bench");
        string id = draft.Campaign!.Id;
        await campaigns.ApproveAsync(id, "bench", "bench");

        if (members != n)
        {
            throw new InvalidOperationException($"expected {n} members, read {members}");
        }

        // Seeding's garbage is not the campaign's memory.
        long liveBefore = GC.GetTotalMemory(forceFullCollection: true);
        Progress(n, "sending the campaign");
        using var heap = new PeakHeap();
        var run = Stopwatch.StartNew();
        await campaigns.SendAsync(id, null, "bench");
        await PumpAsync(app);
        run.Stop();
        int campaignRequests = sendGrid.Requests;
        long peakMb = heap.PeakBytes / (1024 * 1024);
        heap.Dispose();
        long liveGrowthMb = (GC.GetTotalMemory(forceFullCollection: true) - liveBefore) / (1024 * 1024);
        received.ExpectEach(1, sendGrid);

        Progress(n, "sending the baseline");
        var baseline = Stopwatch.StartNew();
        await NaiveBaselineAsync(services, definition, sendGrid.Host);
        baseline.Stop();
        int baselineRequests = sendGrid.Requests - campaignRequests;
        received.ExpectEach(2, sendGrid);

        return string.Create(CultureInfo.InvariantCulture,
            $"| {n:N0} | {seed.Elapsed.TotalSeconds:F1} | {floor.Elapsed.TotalSeconds:F2} | {run.Elapsed.TotalSeconds:F1} | {campaignRequests} | {(n + 999) / 1000} | {peakMb} | {liveGrowthMb} | {baseline.Elapsed.TotalSeconds:F1} | {baselineRequests} | {baseline.Elapsed / run.Elapsed:F1}× |");
    }

    private static void Progress(int n, string phase) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.Now:HH:mm:ss} N={n:N0}: {phase}"));

    /// <summary>Writes supporters straight through the store (not the import endpoint), 32 at a time.</summary>
    private static async Task SeedAsync(IServiceProvider services, int n)
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
    /// What the host does: take messages off the dispatch queue and invoke DispatchBatch with them, keeping
    /// up to four in flight (host.json's batchSize) and taking the next as each finishes.
    /// </summary>
    private static async Task PumpAsync(AlertsAppFactory app)
    {
        const int InFlight = 4;
        var queue = new QueueClient(app.StorageConnectionString, app.NamePrefix + "dispatch", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var running = new List<Task>();
        while (true)
        {
            Azure.Storage.Queues.Models.QueueMessage[] messages = (await queue.ReceiveMessagesAsync(InFlight - running.Count, TimeSpan.FromMinutes(10))).Value;
            running.AddRange(messages.Select(async message =>
            {
                FunctionRun outcome = await app.InvokeAsync("DispatchBatch", message.MessageText, 1);
                if (!outcome.Succeeded)
                {
                    throw new InvalidOperationException(outcome.Log);
                }

                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }));
            if (running.Count == 0)
            {
                return; // nothing in flight and nothing on the queue: every message has been handled
            }

            Task finished = await Task.WhenAny(running);
            await finished;
            running.Remove(finished);
        }
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

    /// <summary>
    /// Messages SendGrid took per seeded member, in a fixed array (400 KB at N = 100,000) so the tally
    /// does not weigh on the heap being measured. A figure only counts if each run sent each member one.
    /// </summary>
    private sealed class MessagesPerMember(int n)
    {
        private readonly int[] _messages = new int[n];
        private int _strangers;

        public static string Address(int i) => string.Create(CultureInfo.InvariantCulture, $"bench{i}@example.org");

        public void Count(string address)
        {
            int at = address.IndexOf('@', StringComparison.Ordinal);
            if (address.StartsWith("bench", StringComparison.Ordinal) && at > 5
                && int.TryParse(address.AsSpan(5, at - 5), NumberStyles.None, CultureInfo.InvariantCulture, out int i) && i < _messages.Length)
            {
                Interlocked.Increment(ref _messages[i]);
            }
            else
            {
                Interlocked.Increment(ref _strangers);
            }
        }

        public void ExpectEach(int messages, FakeSendGrid sendGrid)
        {
            int wrong = _messages.Count(m => m != messages);
            if (wrong > 0 || _strangers > 0 || !sendGrid.ShapeErrors.IsEmpty)
            {
                throw new InvalidOperationException(
                    $"expected {messages} message(s) for each of {_messages.Length} members: {wrong} members had another count, {_strangers} messages went to unknown addresses, {sendGrid.ShapeErrors.Count} requests were malformed");
            }
        }
    }

    /// <summary>Samples the managed heap, garbage included, while the campaign runs.</summary>
    private sealed class PeakHeap : IDisposable
    {
        private readonly Timer _timer;
        private long _peak;

        public PeakHeap() => _timer = new Timer(_ => Interlocked.Exchange(ref _peak, Math.Max(Interlocked.Read(ref _peak), GC.GetTotalMemory(false))), null, 0, 50);

        public long PeakBytes => Interlocked.Read(ref _peak);

        public void Dispose() => _timer.Dispose();
    }
}
