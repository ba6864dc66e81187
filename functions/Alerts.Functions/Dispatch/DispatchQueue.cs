using Alerts.Storage;
using Azure.Storage.Queues;

namespace Alerts.Dispatch;

/// <summary>The dispatch queue, which the DispatchBatch function's queue trigger reads.</summary>
internal sealed class DispatchQueue(AlertsStorage storage)
{
    public const string QueueName = "dispatch";

    public QueueClient Client => storage.Queue(QueueName);

    public async Task EnqueueAsync(DispatchMessage message, TimeSpan? delay = null, CancellationToken cancellationToken = default) =>
        await Client.SendMessageAsync(message.ToJson(), delay is { Ticks: > 0 } d ? d : null, timeToLive: TimeSpan.FromDays(7), cancellationToken);
}
