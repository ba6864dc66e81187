using Alerts.Bills;
using Alerts.Hosting;

namespace Alerts.Triggers;

internal static class WatchBillsTrigger
{
    public const string FunctionName = "WatchBills";

    public static IEndpointRouteBuilder MapWatchBillsTrigger(this IEndpointRouteBuilder app) =>
        app.MapInvocation(FunctionName, WatchBillsAsync);

    private static async Task<InvocationResult> WatchBillsAsync(
        InvocationRequest invocation, FunctionDefinition function, IServiceProvider services, CancellationToken cancellationToken)
    {
        TimerInvocation timer = TimerInvocation.From(invocation, function.BindingName);
        PollSummary summary = await services.GetRequiredService<BillWatcher>().PollAsync(cancellationToken);
        return InvocationResult.WithLogs(
            $"Checked {summary.BillsChecked} bills; recorded {summary.EventsRecorded} events; {summary.Failures} failures"
            + (timer.IsPastDue ? " (past due)." : "."));
    }
}
