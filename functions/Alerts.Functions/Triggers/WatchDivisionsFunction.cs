using Alerts.Divisions;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Triggers;

/// <summary>Reads new Commons and Lords divisions (every five minutes on weekdays from 09:00 to 23:55 UTC by default, covering the sitting day in winter and summer; <c>WatchDivisions:Schedule</c>). Divisions outside it are read on the next run: each run reads back over the recheck window.</summary>
internal sealed partial class WatchDivisionsFunction(DivisionWatcher watcher, ILogger<WatchDivisionsFunction> logger) : ITimerFunction
{
    public const string Name = "WatchDivisions";

    [Function(Name)]
    public async Task RunAsync([TimerTrigger("%WatchDivisions:Schedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        string summary = await RunOnceAsync(cancellationToken);
        LogRun(logger, summary, timer.IsPastDue);
    }

    public async Task<string> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        DivisionPollSummary summary = await watcher.PollAsync(cancellationToken);
        return string.Join(" ", summary.Houses.Select(h => h.Error is null
            ? $"{h.House}: read {h.Read}, recorded {h.Recorded}, re-published {h.Republished}, proposed {h.Proposed}."
            : $"{h.House}: unavailable.")) + $" Announced {summary.Announced}.";
    }

    [LoggerMessage(EventId = 1306, Level = LogLevel.Information, Message = "WatchDivisions: {Summary} (past due: {PastDue})")]
    private static partial void LogRun(ILogger logger, string summary, bool pastDue);
}
