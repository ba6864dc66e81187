using Alerts.Hosting;
using Alerts.Supporters;

namespace Alerts.Triggers;

internal static class EnrichPendingSupportersTrigger
{
    public const string FunctionName = "EnrichPendingSupporters";

    /// <summary>Enough to clear a large import made during an outage within hours, small enough for one invocation.</summary>
    private const int SupportersPerRun = 1000;

    public static IEndpointRouteBuilder MapEnrichPendingSupportersTrigger(this IEndpointRouteBuilder app) =>
        app.MapInvocation(FunctionName, EnrichAsync);

    private static async Task<InvocationResult> EnrichAsync(
        InvocationRequest invocation, FunctionDefinition function, IServiceProvider services, CancellationToken cancellationToken)
    {
        EnrichmentSweep sweep = await services.GetRequiredService<SupporterDirectory>().RetryPendingEnrichmentAsync(SupportersPerRun, cancellationToken);
        return InvocationResult.WithLogs(
            $"Looked up {sweep.Enriched} pending supporters; {sweep.Skipped} changed meanwhile"
            + (sweep.StillUnavailable ? "; the look-up service is still unavailable." : "."));
    }
}
