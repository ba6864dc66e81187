using Alerts.Bills;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Triggers;

/// <summary>Polls Parliament for the watched bills (every ten minutes by default, <c>WatchBills:Schedule</c>).</summary>
internal sealed partial class WatchBillsFunction(BillWatcher watcher, ILogger<WatchBillsFunction> logger) : ITimerFunction
{
    public const string Name = "WatchBills";

    [Function(Name)]
    public async Task RunAsync([TimerTrigger("%WatchBills:Schedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        string summary = await RunOnceAsync(cancellationToken);
        LogRun(logger, summary, timer.IsPastDue);
    }

    public async Task<string> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        PollSummary summary = await watcher.PollAsync(cancellationToken); // throws → a failed run, one error
        return $"Checked {summary.BillsChecked} bills; recorded {summary.EventsRecorded} events; {summary.Failures} failures.";
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "WatchBills: {Summary} (past due: {PastDue})")]
    private static partial void LogRun(ILogger logger, string summary, bool pastDue);
}
