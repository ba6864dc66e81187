namespace Alerts.Benchmarks;

/// <summary>One measurement's figures, as a row of its part's table, and whether they meet the goals in docs/benchmark.md.</summary>
internal sealed record BenchmarkRow(string Row, bool MeetsGoals);
