using Alerts.Infrastructure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Alerts.Benchmarks;

/// <summary>
/// What the Functions host does with the dispatch queue: takes messages off it and invokes DispatchBatch,
/// keeping up to four in flight (host.json's batchSize) and taking the next as each finishes.
/// </summary>
internal static class DispatchPump
{
    private const int InFlight = 4;

    public static async Task RunAsync(AlertsAppFactory app)
    {
        var queue = new QueueClient(app.StorageConnectionString, app.NamePrefix + "dispatch", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var running = new List<Task>();
        while (true)
        {
            QueueMessage[] messages = (await queue.ReceiveMessagesAsync(InFlight - running.Count, TimeSpan.FromMinutes(10))).Value;
            running.AddRange(messages.Select(async message =>
            {
                FunctionRun outcome = await app.InvokeAsync("DispatchBatch", message.MessageText, 1);
                if (!outcome.Succeeded)
                {
                    throw new InvalidOperationException(outcome.Log);
                }

                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }));
            if (running.Count == 0)
            {
                return; // nothing in flight and nothing on the queue: every message has been handled
            }

            Task finished = await Task.WhenAny(running);
            await finished;
            running.Remove(finished);
        }
    }
}
