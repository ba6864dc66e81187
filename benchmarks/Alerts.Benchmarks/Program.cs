using System.Globalization;

// Alerts benchmark: sends a real email campaign to N seeded supporters and compares it with reading the
// segment (the floor) and with a naive baseline; paces SMS at 10 and 30 a second; imports a large CSV.
// Usage: dotnet run -c Release --project benchmarks/Alerts.Benchmarks -- [N ...] [--import ROWS] [--only dispatch|sms|import]
namespace Alerts.Benchmarks;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // WebApplicationFactory finds the app's content root from this setting outside a test host.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_ALERTS_FUNCTIONS", Path.Combine(RepoPaths.Root, "functions", "Alerts.Functions"));
        int[] sizes = [.. args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).Select(a => int.Parse(a, CultureInfo.InvariantCulture))];
        int importRows = Option(args, "--import") is { } rows ? int.Parse(rows, CultureInfo.InvariantCulture) : 100_000;
        string? only = Option(args, "--only");
        bool failed = false;

        if (only is null or "dispatch")
        {
            failed |= !await PrintAsync(DispatchBenchmark.Header, sizes.Length > 0 ? sizes : [10_000, 100_000], DispatchBenchmark.RunAsync);
        }

        if (only is null or "sms")
        {
            failed |= !await PrintAsync(SmsPacingBenchmark.Header, [10, 30], SmsPacingBenchmark.RunAsync);
        }

        if (only is null or "import")
        {
            failed |= !await PrintAsync(ImportBenchmark.Header, [importRows], ImportBenchmark.RunAsync);
        }

        return failed ? 1 : 0;
    }

    /// <summary>One part's table: its header, a row per run, a blank line. True when every row meets its goals.</summary>
    private static async Task<bool> PrintAsync(string header, IEnumerable<int> runs, Func<int, Task<BenchmarkRow>> run)
    {
        Console.WriteLine(header);
        bool met = true;
        foreach (int size in runs)
        {
            BenchmarkRow row = await run(size);
            Console.WriteLine(row.Row);
            met &= row.MeetsGoals;
        }

        Console.WriteLine();
        return met;
    }

    private static string? Option(string[] args, string name) =>
        Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

    /// <summary>Progress goes to stderr, so a long run shows which phase it is in without mixing into the tables.</summary>
    public static void Progress(string phase) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.Now:HH:mm:ss} {phase}"));
}
