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
            Console.WriteLine(DispatchBenchmark.Header);
            foreach (int n in sizes.Length > 0 ? sizes : [10_000, 100_000])
            {
                DispatchResult result = await DispatchBenchmark.RunAsync(n);
                Console.WriteLine(result.Row);
                failed |= !result.MeetsGoals;
            }

            Console.WriteLine();
        }

        if (only is null or "sms")
        {
            Console.WriteLine(SmsPacingBenchmark.Header);
            foreach (int rate in new[] { 10, 30 })
            {
                SmsPacingResult result = await SmsPacingBenchmark.RunAsync(rate);
                Console.WriteLine(result.Row);
                failed |= !result.MeetsGoals;
            }

            Console.WriteLine();
        }

        if (only is null or "import")
        {
            Console.WriteLine(ImportBenchmark.Header);
            ImportResult result = await ImportBenchmark.RunAsync(importRows);
            Console.WriteLine(result.Row);
            failed |= !result.MeetsGoals;
        }

        return failed ? 1 : 0;
    }

    private static string? Option(string[] args, string name) =>
        Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

    /// <summary>Progress goes to stderr, so a long run shows which phase it is in without mixing into the tables.</summary>
    public static void Progress(string phase) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.Now:HH:mm:ss} {phase}"));
}
