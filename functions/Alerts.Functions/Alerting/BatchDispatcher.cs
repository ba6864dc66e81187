using System.Text.Json;

namespace Alerts.Alerting;

/// <summary>One dispatch batch as it travels on the queue.</summary>
internal sealed record DispatchBatchMessage(string CampaignId, string BatchId);

internal sealed record DispatchSummary(string CampaignId, string BatchId, int Sent, int Skipped, int Unknown);

/// <summary>Sends one planned batch of a campaign.</summary>
internal sealed class BatchDispatcher(TimeProvider time)
{
    public DateTimeOffset LastDispatched { get; private set; }

    public Task<DispatchSummary> DispatchAsync(DispatchBatchMessage batch, CancellationToken cancellationToken = default)
    {
        LastDispatched = time.GetUtcNow();
        return Task.FromResult(new DispatchSummary(batch.CampaignId, batch.BatchId, 0, 0, 0));
    }

    public static DispatchBatchMessage Parse(string messageText)
    {
        DispatchBatchMessage? batch;
        try
        {
            batch = JsonSerializer.Deserialize<DispatchBatchMessage>(messageText, JsonSerializerOptions.Web);
        }
        catch (JsonException ex)
        {
            throw new FormatException("The dispatch message is not valid JSON.", ex);
        }

        return batch is { CampaignId.Length: > 0, BatchId.Length: > 0 }
            ? batch
            : throw new FormatException("The dispatch message needs a campaignId and a batchId.");
    }
}
