using Alerts.Storage;
using Azure.Storage.Queues;

namespace Alerts.Dispatch;

/// <summary>The dispatch queue, named by the DispatchBatch function's declaration.</summary>
internal sealed class DispatchQueue(AlertsStorage storage)
{
    public const string FunctionName = "DispatchBatch";

    public QueueClient Client => storage.QueueFor(FunctionName);

    public async Task EnqueueAsync(DispatchMessage message, TimeSpan? delay = null, CancellationToken cancellationToken = default) =>
        await Client.SendMessageAsync(message.ToJson(), delay is { Ticks: > 0 } d ? d : null, timeToLive: TimeSpan.FromDays(7), cancellationToken);
}
