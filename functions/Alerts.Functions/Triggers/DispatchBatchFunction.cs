using Alerts.Dispatch;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Triggers;

/// <summary>
/// One message of the dispatch queue: a campaign to plan, or one channel's part of a batch to send. A
/// throw fails the message; the queue retries it, and moves it to <c>dispatch-poison</c> after
/// host.json's <c>maxDequeueCount</c>.
/// </summary>
internal sealed partial class DispatchBatchFunction(CampaignPlanner planner, BatchDispatcher dispatcher, ILogger<DispatchBatchFunction> logger) : IQueueFunction
{
    public const string Name = "DispatchBatch";

    [Function(Name)]
    public async Task RunAsync([QueueTrigger(DispatchQueue.QueueName, Connection = "AzureWebJobsStorage")] string message, FunctionContext context, CancellationToken cancellationToken)
    {
        string summary = await HandleAsync(message, QueueBinding.DequeueCount(context), cancellationToken);
        LogRun(logger, summary);
    }

    public async Task<string> HandleAsync(string message, long dequeueCount, CancellationToken cancellationToken = default)
    {
        DispatchMessage dispatch = DispatchMessage.Parse(message);
        if (dispatch.Kind == DispatchKind.Plan)
        {
            int batches = await planner.PlanAsync(dispatch.CampaignId, cancellationToken);
            return $"Campaign {dispatch.CampaignId}: planned {batches} batches.";
        }

        DispatchSummary summary = await dispatcher.DispatchAsync(dispatch, checked((int)dequeueCount), cancellationToken);
        return $"Campaign {summary.CampaignId} batch {summary.BatchNo} {summary.Channel} (attempt {dequeueCount}): "
               + $"{summary.Sent} sent, {summary.Skipped} skipped, {summary.Failed} failed, {summary.Unknown} unknown.";
    }

    [LoggerMessage(EventId = 1304, Level = LogLevel.Information, Message = "DispatchBatch: {Summary}")]
    private static partial void LogRun(ILogger logger, string summary);
}
