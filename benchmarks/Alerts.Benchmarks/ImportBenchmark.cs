using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Alerts.Infrastructure;

namespace Alerts.Benchmarks;

/// <summary>
/// Imports a generated CSV of new supporters (email, name, a tag, email consent with its source and date;
/// no postcodes, whose look-ups are a service's time, not ours) through the staff API, streamed both ways,
/// and measures the time and the managed heap.
/// </summary>
internal static class ImportBenchmark
{
    public const string Header =
        "| rows | time (s) | rows/s | created | peak managed heap (MB) | live heap growth (MB) |\n"
        + "|---|---|---|---|---|---|";

    public static async Task<BenchmarkRow> RunAsync(int rows)
    {
        await using AlertsAppFactory app = (await AlertsAppFactory.CreateAsync()).WithSetting("Logging:LogLevel:Default", "Warning");
        HttpClient client = app.CreateClient();
        client.Timeout = TimeSpan.FromHours(1);

        long liveBefore = PeakHeap.Live();
        Program.Progress($"importing {rows:N0} rows");
        var heap = new PeakHeap();
        var run = Stopwatch.StartNew();
        using HttpResponseMessage response = await client.PostAsync(new Uri("/api/v1/supporters/import", UriKind.Relative), new GeneratedCsv(rows));
        run.Stop();
        heap.Dispose();
        JsonObject report = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        long liveGrowthMb = (PeakHeap.Live() - liveBefore) / (1024 * 1024);
        int created = report["created"]?.GetValue<int>() ?? 0;
        if (response.StatusCode != HttpStatusCode.OK || created != rows)
        {
            throw new InvalidOperationException($"import answered {(int)response.StatusCode}: {report.ToJsonString()[..Math.Min(500, report.ToJsonString().Length)]}");
        }

        return new BenchmarkRow(string.Create(CultureInfo.InvariantCulture,
            $"| {rows:N0} | {run.Elapsed.TotalSeconds:F1} | {rows / run.Elapsed.TotalSeconds:N0} | {created:N0} | {heap.PeakMegabytes} | {liveGrowthMb} |"),
            run.Elapsed <= TimeSpan.FromSeconds(60));
    }

    /// <summary>A CSV written as it is sent, so the file is never held in memory on either side.</summary>
    private sealed class GeneratedCsv : HttpContent
    {
        private readonly int _rows;

        public GeneratedCsv(int rows)
        {
            _rows = rows;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
            await writer.WriteLineAsync("email,first_name,tags,email_consent,consent_source,consent_date");
            for (int i = 0; i < _rows; i++)
            {
                await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"import{i}@example.org,Name{i},asylum,yes,petition,2026-11-01"));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
