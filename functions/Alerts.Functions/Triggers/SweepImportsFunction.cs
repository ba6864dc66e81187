using Alerts.Supporters;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Triggers;

/// <summary>
/// Forgets what background imports keep once it is no longer needed, and stops imports whose run was lost
/// (daily by default, <c>SweepImports:Schedule</c>; <see cref="ImportJobs.SweepAsync"/>).
/// </summary>
internal sealed partial class SweepImportsFunction(ImportJobs jobs, ILogger<SweepImportsFunction> logger) : ITimerFunction
{
    public const string Name = "SweepImports";

    [Function(Name)]
    public async Task RunAsync([TimerTrigger("%SweepImports:Schedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        string summary = await RunOnceAsync(cancellationToken);
        LogRun(logger, summary);
    }

    public Task<string> RunOnceAsync(CancellationToken cancellationToken = default) => jobs.SweepAsync(cancellationToken);

    [LoggerMessage(EventId = 1307, Level = LogLevel.Information, Message = "SweepImports: {Summary}")]
    private static partial void LogRun(ILogger logger, string summary);
}
