using Alerts.Hosting;
using Alerts.Alerting;

namespace Alerts.Triggers;

internal static class DispatchBatchTrigger
{
    public const string FunctionName = "DispatchBatch";

    public static IEndpointRouteBuilder MapDispatchBatchTrigger(this IEndpointRouteBuilder app) =>
        app.MapInvocation(FunctionName, DispatchBatchAsync);

    private static async Task<InvocationResult> DispatchBatchAsync(
        InvocationRequest invocation, FunctionDefinition function, IServiceProvider services, CancellationToken cancellationToken)
    {
        QueueInvocation message = QueueInvocation.From(invocation, function.BindingName);
        DispatchBatchMessage batch = BatchDispatcher.Parse(message.MessageText);
        DispatchSummary summary = await services.GetRequiredService<BatchDispatcher>().DispatchAsync(batch, cancellationToken);
        return InvocationResult.WithLogs(
            $"Campaign {summary.CampaignId} batch {summary.BatchId} (attempt {message.DequeueCount}): "
            + $"{summary.Sent} sent, {summary.Skipped} skipped, {summary.Unknown} unknown.");
    }
}
