using System.Text.Json;
using Alerts.Hosting;
using Alerts.Storage;
using Alerts.Supporters;
using Azure.Storage.Queues;

namespace Alerts.Alerting;

public enum DispatchKind
{
    /// <summary>Read the segment and enqueue its batches.</summary>
    Plan,

    /// <summary>Send one planned batch.</summary>
    Send,
}

/// <summary>A message on the dispatch queue: small, pointing at table rows.</summary>
internal sealed record DispatchMessage(
    string CampaignId, [property: System.Text.Json.Serialization.JsonRequired] DispatchKind Kind, int BatchNo = 0, IReadOnlyList<Channel>? Channels = null)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static DispatchMessage Parse(string text)
    {
        DispatchMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<DispatchMessage>(text, Json);
        }
        catch (JsonException ex)
        {
            throw new FormatException("The dispatch message is not valid JSON.", ex);
        }

        return message is { CampaignId.Length: > 0 } && Enum.IsDefined(message.Kind)
            ? message
            : throw new FormatException("The dispatch message needs a campaignId and a kind.");
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

internal sealed record DispatchSummary(string CampaignId, int BatchNo, int Sent, int Skipped, int Unknown, int Failed, int Deferred);

/// <summary>The batch could not be finished now (rate limited, provider unreachable); the queue brings it back.</summary>
internal sealed class DispatchDeferredException(string message) : Exception(message);

/// <summary>The dispatch queue, named by the DispatchBatch function's function.json.</summary>
internal sealed class DispatchQueue(AlertsStorage storage)
{
    public const string FunctionName = "DispatchBatch";

    public QueueClient Client => storage.QueueFor(FunctionName);

    public async Task EnqueueAsync(DispatchMessage message, TimeSpan? delay = null, CancellationToken cancellationToken = default) =>
        await Client.SendMessageAsync(message.ToJson(), delay, timeToLive: TimeSpan.FromDays(7), cancellationToken);
}

/// <summary>
/// Sends one planned batch: re-checks consent and suppression now, reserves each (campaign, channel,
/// supporter) in the ledger with insert-if-absent, sends, and records each outcome. Only what certainly
/// was not sent is retried; anything ambiguous is recorded as unknown and never re-sent automatically.
/// </summary>
internal sealed partial class BatchDispatcher(
    CampaignStore campaigns,
    SupporterStore supporters,
    DeliveryLedger ledger,
    IEnumerable<IAlertChannel> channels,
    MessageRenderer renderer,
    DispatchQueue queue,
    QuietHours quietHours,
    FunctionCatalog catalog,
    Audit.AuditLog audit,
    Hosting.AlertsMetrics metrics,
    TimeProvider time,
    ILogger<BatchDispatcher> logger)
{
    private const int MaxInlineRetries = 3;
    private static readonly TimeSpan MaxInlineWait = TimeSpan.FromSeconds(20);

    public async Task<DispatchSummary> DispatchAsync(DispatchMessage message, int attempt, CancellationToken cancellationToken = default)
    {
        Campaign? campaign = await campaigns.GetAsync(message.CampaignId, cancellationToken);
        if (campaign is null || campaign.State != CampaignState.Sending)
        {
            // Cancelled (or never started): batches not yet sent stop here.
            LogSkippedBatch(logger, message.CampaignId, message.BatchNo, campaign?.State);
            if (campaign is not null)
            {
                await campaigns.RecordBatchAttemptAsync(campaign.Id, message.BatchNo, attempt, campaign.State.ToString(), done: true, cancellationToken);
            }

            return new DispatchSummary(message.CampaignId, message.BatchNo, 0, 0, 0, 0, 0);
        }

        CampaignBatch batch = await campaigns.GetBatchAsync(campaign.Id, message.BatchNo, cancellationToken)
            ?? throw new InvalidOperationException($"Batch {message.BatchNo} of campaign {campaign.Id} has not been planned.");

        long started = time.GetTimestamp();
        IReadOnlyList<Channel> wanted = message.Channels ?? campaign.Content.Channels;
        var counts = new Counts();
        bool smsWaits = false;
        try
        {
            foreach (Channel channel in wanted)
            {
                if (channel == Channel.Sms && quietHours.Until(time.GetUtcNow()) is { } quietUntil)
                {
                    // No SMS in quiet hours: this batch's SMS comes back when they end.
                    await queue.EnqueueAsync(message with { Channels = [Channel.Sms] }, quietUntil - time.GetUtcNow(), cancellationToken);
                    smsWaits = true;
                    continue;
                }

                await SendChannelAsync(campaign, batch, channel, counts, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await campaigns.RecordBatchAttemptAsync(campaign.Id, batch.BatchNo, attempt, ex.Message, done: false, CancellationToken.None);
            if (attempt >= catalog.Queues.MaxDequeueCount)
            {
                LogPoisoned(logger, campaign.Id, batch.BatchNo, attempt);
            }

            throw;
        }

        await campaigns.RecordBatchAttemptAsync(campaign.Id, batch.BatchNo, attempt, null, done: !smsWaits, cancellationToken);
        metrics.BatchDuration.Record(time.GetElapsedTime(started).TotalSeconds);
        if (!smsWaits)
        {
            if (await campaigns.TryCompleteAsync(campaign.Id, time.GetUtcNow(), cancellationToken))
            {
                LogCompleted(logger, campaign.Id);
                await audit.RecordAsync("system", "CampaignStateChanged", "campaign", campaign.Id, "Sending → Completed", cancellationToken);
            }
        }

        return new DispatchSummary(campaign.Id, batch.BatchNo, counts.Sent, counts.Skipped, counts.Unknown, counts.Failed, counts.Deferred);
    }

    private async Task SendChannelAsync(Campaign campaign, CampaignBatch batch, Channel channel, Counts counts, CancellationToken cancellationToken)
    {
        IAlertChannel sender = channels.Single(c => c.Kind == channel);

        // Consent and suppression are read now, per recipient, a few at a time; order is kept.
        var checks = new (Supporter? Supporter, string? Skip)[batch.SupporterIds.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, checks.Length), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                Supporter? supporter = (await supporters.GetAsync(batch.SupporterIds[i], token))?.Supporter;
                checks[i] = (supporter, supporter is null ? "erased"
                    : !supporter.CanReceive(channel) ? "no-consent"
                    : await supporters.FindSuppressionAsync(channel, supporter.AddressFor(channel)!, token) is not null ? "suppressed"
                    : null);
            });

        var eligible = new List<(OutgoingMessage Message, Supporter Supporter)>();
        for (int i = 0; i < checks.Length; i++)
        {
            (Supporter? supporter, string? skip) = checks[i];
            if (skip is not null)
            {
                await ledger.RecordSkippedAsync(campaign.Id, channel, batch.SupporterIds[i], batch.BatchNo, skip, time.GetUtcNow(), cancellationToken);
                metrics.Messages.Add(1, new("channel", channel.ToString()), new("outcome", "suppressed"));
                counts.Skipped++;
                continue;
            }

            Personalisation values = renderer.For(supporter!, channel, campaign.Content);
            eligible.Add((new OutgoingMessage(
                DeliveryIds.For(campaign.Id, channel, supporter!.Id), supporter.Id, supporter.AddressFor(channel)!,
                supporter.FirstName, values, channel == Channel.Sms ? renderer.Sms(campaign.Content.Sms!, values) : null), supporter));
        }

        // Reserve just before each provider call, so a crash leaves at most one call's recipients unknown.
        bool deferred = false;
        foreach (var chunk in eligible.Chunk(sender.MaxMessagesPerCall))
        {
            var claimed = (await ledger.TryReserveManyAsync(campaign.Id, channel, chunk.Select(c => c.Message.SupporterId).ToList(), batch.BatchNo, time.GetUtcNow(), cancellationToken)).ToHashSet();
            var reserved = chunk.Where(c => claimed.Contains(c.Message.SupporterId)).ToList(); // the rest: already sent, failed or unknown
            if (reserved.Count == 0)
            {
                continue;
            }

            IReadOnlyList<DeliveryResult> results = await SendWithRetriesAsync(sender, campaign, reserved.Select(c => c.Message).ToList(), cancellationToken);
            deferred |= await RecordAsync(campaign.Id, channel, reserved, results, counts, cancellationToken);
        }

        if (deferred)
        {
            throw new DispatchDeferredException($"Some {channel} messages of batch {batch.BatchNo} could not be sent yet; the batch will be retried.");
        }
    }

    /// <summary>Retries in place only what certainly was not sent, and only briefly; the rest is left to the queue.</summary>
    private async Task<IReadOnlyList<DeliveryResult>> SendWithRetriesAsync(
        IAlertChannel sender, Campaign campaign, List<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        var results = new DeliveryResult[messages.Count];
        List<int> pending = [.. Enumerable.Range(0, messages.Count)];
        for (int attempt = 0; pending.Count > 0; attempt++)
        {
            IReadOnlyList<DeliveryResult> sent = await sender.SendAsync(campaign.Content, campaign.Id, pending.Select(i => messages[i]).ToList(), cancellationToken);
            for (int k = 0; k < pending.Count; k++)
            {
                results[pending[k]] = sent[k];
            }

            var deferred = pending.Where(i => results[i] is DeliveryResult.Deferred).ToList();
            TimeSpan wait = deferred.Select(i => ((DeliveryResult.Deferred)results[i]).RetryAfter ?? TimeSpan.FromSeconds(1)).DefaultIfEmpty().Max();
            if (deferred.Count == 0 || attempt + 1 >= MaxInlineRetries || wait > MaxInlineWait)
            {
                break;
            }

            await Task.Delay(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, time, cancellationToken);
            pending = deferred;
        }

        return results;
    }

    /// <summary>Records the outcomes of one provider call. True when some message is deferred (taken again on redelivery).</summary>
    private async Task<bool> RecordAsync(
        string campaignId, Channel channel, List<(OutgoingMessage Message, Supporter Supporter)> sent, IReadOnlyList<DeliveryResult> results, Counts counts, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        var outcomes = new List<(string, DeliveryStatus, string?, string?)>(sent.Count);
        for (int i = 0; i < sent.Count; i++)
        {
            (OutgoingMessage message, Supporter supporter) = sent[i];
            switch (results[i])
            {
                case DeliveryResult.Accepted accepted:
                    outcomes.Add((message.SupporterId, DeliveryStatus.Sent, accepted.ProviderId, null));
                    counts.Sent++;
                    break;
                case DeliveryResult.Rejected rejected:
                    outcomes.Add((message.SupporterId, DeliveryStatus.Failed, null, rejected.Code));
                    if (rejected.Suppress)
                    {
                        await supporters.SuppressAsync(channel, supporter.AddressFor(channel)!, "provider-" + rejected.Code, "provider", now, cancellationToken);
                    }

                    counts.Failed++;
                    break;
                case DeliveryResult.Deferred:
                    outcomes.Add((message.SupporterId, DeliveryStatus.Deferred, null, null));
                    counts.Deferred++;
                    break;
                case DeliveryResult.Unknown unknown:
                    outcomes.Add((message.SupporterId, DeliveryStatus.Unknown, null, unknown.Reason));
                    LogUnknown(logger, message.DeliveryId, unknown.Reason);
                    counts.Unknown++;
                    break;
            }
        }

        await ledger.RecordManyAsync(campaignId, channel, outcomes, now, cancellationToken);
        foreach (var group in outcomes.GroupBy(o => o.Item2))
        {
            metrics.Messages.Add(group.Count(), new("channel", channel.ToString()), new("outcome", group.Key.ToString().ToLowerInvariant()));
        }

        return outcomes.Any(o => o.Item2 == DeliveryStatus.Deferred);
    }

    private sealed class Counts
    {
        public int Sent;
        public int Skipped;
        public int Unknown;
        public int Failed;
        public int Deferred;
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Campaign {CampaignId} batch {BatchNo} not sent: campaign is {State}")]
    private static partial void LogSkippedBatch(ILogger logger, string campaignId, int batchNo, CampaignState? state);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Delivery {DeliveryId} outcome unknown ({Reason}); it will not be re-sent unless staff ask")]
    private static partial void LogUnknown(ILogger logger, string deliveryId, string reason);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Campaign {CampaignId} completed")]
    private static partial void LogCompleted(ILogger logger, string campaignId);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Error, Message = "Campaign {CampaignId} batch {BatchNo} failed {Attempts} times and goes to the poison queue")]
    private static partial void LogPoisoned(ILogger logger, string campaignId, int batchNo, int attempts);
}
