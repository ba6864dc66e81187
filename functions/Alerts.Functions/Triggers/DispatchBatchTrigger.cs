using Alerts.Dispatch;
using Alerts.Hosting;

namespace Alerts.Triggers;

internal static class DispatchBatchTrigger
{
    public const string FunctionName = DispatchQueue.FunctionName;

    public static IEndpointRouteBuilder MapDispatchBatchTrigger(this IEndpointRouteBuilder app) =>
        app.MapInvocation(FunctionName, DispatchBatchAsync);

    private static async Task<InvocationResult> DispatchBatchAsync(
        InvocationRequest invocation, FunctionDefinition function, IServiceProvider services, CancellationToken cancellationToken)
    {
        QueueInvocation queued = QueueInvocation.From(invocation, function.BindingName);
        DispatchMessage message = DispatchMessage.Parse(queued.MessageText);
        if (message.Kind == DispatchKind.Plan)
        {
            int batches = await services.GetRequiredService<CampaignPlanner>().PlanAsync(message.CampaignId, cancellationToken);
            return InvocationResult.WithLogs($"Campaign {message.CampaignId}: planned {batches} batches.");
        }

        DispatchSummary summary = await services.GetRequiredService<BatchDispatcher>().DispatchAsync(message, queued.DequeueCount, cancellationToken);
        return InvocationResult.WithLogs(
            $"Campaign {summary.CampaignId} batch {summary.BatchNo} {summary.Channel} (attempt {queued.DequeueCount}): "
            + $"{summary.Sent} sent, {summary.Skipped} skipped, {summary.Failed} failed, {summary.Unknown} unknown.");
    }
}
