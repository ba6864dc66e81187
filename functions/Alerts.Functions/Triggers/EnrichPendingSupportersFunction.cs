using Alerts.Supporters;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Triggers;

/// <summary>
/// Retries the postcode look-up of supporters saved while postcodes.io or the Members API was down (every
/// fifteen minutes by default, <c>EnrichPendingSupporters:Schedule</c>).
/// </summary>
internal sealed partial class EnrichPendingSupportersFunction(SupporterDirectory directory, ILogger<EnrichPendingSupportersFunction> logger) : ITimerFunction
{
    public const string Name = "EnrichPendingSupporters";

    /// <summary>Enough to clear a large import made during an outage within hours, small enough for one invocation.</summary>
    private const int SupportersPerRun = 1000;

    [Function(Name)]
    public async Task RunAsync([TimerTrigger("%EnrichPendingSupporters:Schedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        string summary = await RunOnceAsync(cancellationToken);
        LogRun(logger, summary);
    }

    public async Task<string> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        EnrichmentSweep sweep = await directory.RetryPendingEnrichmentAsync(SupportersPerRun, cancellationToken);
        return $"Looked up {sweep.Enriched} pending supporters; {sweep.Skipped} changed meanwhile"
               + (sweep.StillUnavailable ? "; the look-up service is still unavailable." : ".");
    }

    [LoggerMessage(EventId = 1303, Level = LogLevel.Information, Message = "EnrichPendingSupporters: {Summary}")]
    private static partial void LogRun(ILogger logger, string summary);
}
