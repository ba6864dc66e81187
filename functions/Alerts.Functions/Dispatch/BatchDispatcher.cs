using Alerts.Campaigns;
using Alerts.Channels;
using Alerts.Hosting;
using Alerts.Messages;
using Alerts.Segments;
using Alerts.Supporters;
using Microsoft.Extensions.Options;

namespace Alerts.Dispatch;

internal sealed record DispatchSummary(string CampaignId, int BatchNo, Channel Channel, int Sent, int Skipped, int Unknown, int Failed, int Deferred);

/// <summary>The batch could not be finished now (rate limited, provider unreachable); the queue brings it back.</summary>
internal sealed class DispatchDeferredException(string message) : Exception(message);

/// <summary>
/// Sends one channel's part of a planned batch: reads the batch's key ranges of the segment index again
/// (consent and suppression as they are now, with each recipient's address and what their message needs,
/// a query per range), reserves each (campaign, channel, supporter) in the ledger with insert-if-absent,
/// sends, and records each outcome, the ledger written a hundred rows to a transaction.
/// Only what certainly was not sent is tried again; anything ambiguous is recorded as unknown and never
/// re-sent automatically. A part the provider cannot take yet goes back on the queue with a growing
/// delay, on its own, so the other channel carries on.
/// </summary>
internal sealed partial class BatchDispatcher(
    CampaignStore campaigns,
    BatchStore batches,
    CampaignCompletion completion,
    SegmentEvaluator evaluator,
    SupporterDirectory supporters,
    DeliveryLedger ledger,
    IEnumerable<IAlertChannel> channels,
    MessageContexts contexts,
    MessageRenderer renderer,
    DispatchQueue queue,
    QuietHours quietHours,
    QueueSettings queueSettings,
    IOptions<AlertingOptions> options,
    Hosting.AlertsMetrics metrics,
    TimeProvider time,
    ILogger<BatchDispatcher> logger)
{
    private const int MaxInlineRetries = 3;
    private static readonly TimeSpan MaxInlineWait = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan FirstDeferral = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan LongestDeferral = TimeSpan.FromMinutes(30);

    public async Task<DispatchSummary> DispatchAsync(DispatchMessage message, int attempt, CancellationToken cancellationToken = default)
    {
        Channel channel = message.Channel ?? throw new FormatException("A send message names its channel.");
        var nothing = new DispatchSummary(message.CampaignId, message.BatchNo, channel, 0, 0, 0, 0, 0);
        Campaign? campaign = await campaigns.GetAsync(message.CampaignId, cancellationToken);
        CampaignBatch? batch = campaign is null ? null : await batches.GetBatchAsync(campaign.Id, message.BatchNo, cancellationToken);
        if (campaign is null || batch is null || batch.Part(new PartKey(channel, message.Lane)) is not { } part)
        {
            LogSkippedBatch(logger, message.CampaignId, message.BatchNo, campaign?.State);
            return nothing;
        }

        if (campaign.State != CampaignState.Sending)
        {
            // Cancelled: parts not yet sent stop here.
            LogSkippedBatch(logger, campaign.Id, batch.BatchNo, campaign.State);
            await batches.UpdatePartAsync(campaign.Id, batch.BatchNo, part.Key, BatchPartState.Done, attempt, campaign.State.ToString(), cancellationToken: cancellationToken);
            return nothing;
        }

        if (part.State == BatchPartState.Done)
        {
            return nothing; // a duplicate message: the ledger would make it harmless, this makes it cheap
        }

        if (channel == Channel.Sms && quietHours.Until(time.GetUtcNow()) is { } quietUntil)
        {
            // No SMS in quiet hours: this part comes back when they end.
            await queue.EnqueueAsync(message, quietUntil - time.GetUtcNow(), cancellationToken);
            await batches.UpdatePartAsync(campaign.Id, batch.BatchNo, part.Key, BatchPartState.Waiting, part.Attempts, until: quietUntil, waitingFor: "SMS quiet hours", cancellationToken: cancellationToken);
            return nothing;
        }

        long started = time.GetTimestamp();
        var counts = new Counts();
        Deferral? deferral;
        try
        {
            deferral = await SendPartAsync(campaign, batch, part, counts, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The queue retries this part alone; on its last attempt it is poisoned and waits for staff.
            bool poisoned = attempt >= queueSettings.MaxDequeueCount;
            await batches.UpdatePartAsync(campaign.Id, batch.BatchNo, part.Key, poisoned ? BatchPartState.Poisoned : BatchPartState.Pending, attempt,
                ex is DispatchDeferredException ? ex.Message : ex.GetType().Name, cancellationToken: CancellationToken.None);
            if (poisoned)
            {
                LogPoisoned(logger, campaign.Id, batch.BatchNo, channel, attempt);
            }

            throw;
        }

        metrics.BatchDuration.Record(time.GetElapsedTime(started).TotalSeconds);
        if (deferral is not null && await DeferAsync(campaign, batch.BatchNo, part, message, deferral, counts, cancellationToken))
        {
            return counts.Summary(campaign.Id, batch.BatchNo, channel);
        }

        await batches.UpdatePartAsync(campaign.Id, batch.BatchNo, part.Key, BatchPartState.Done, attempt, cancellationToken: cancellationToken);
        await completion.TryCompleteAsync(campaign.Id, cancellationToken);

        return counts.Summary(campaign.Id, batch.BatchNo, channel);
    }

    /// <summary>
    /// Puts a part the provider could not take back on the queue, later each time. True when it will be
    /// tried again; false when it has waited long enough, its deferred recipients now recorded as failed.
    /// </summary>
    private async Task<bool> DeferAsync(Campaign campaign, int batchNo, BatchPart part, DispatchMessage message, Deferral deferral, Counts counts, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        DateTimeOffset since = message.DeferredSince ?? now;
        if (now - since >= options.Value.DeferredGiveUpAfter)
        {
            await ledger.RecordManyAsync(campaign.Id, part.Channel,
                [.. deferral.SupporterIds.Select(id => (id, DeliveryStatus.Failed, (string?)null, (string?)"provider-unavailable"))], now, cancellationToken);
            counts.Failed += deferral.SupporterIds.Count;
            counts.Deferred -= deferral.SupporterIds.Count;
            LogGaveUp(logger, campaign.Id, batchNo, part.Channel, deferral.SupporterIds.Count, deferral.Reason);
            return false;
        }

        TimeSpan backoff = TimeSpan.FromTicks(Math.Min(LongestDeferral.Ticks, FirstDeferral.Ticks << Math.Min(message.Retry, 16)));
        TimeSpan delay = deferral.RetryAfter is { } asked && asked > backoff ? asked : backoff;
        await queue.EnqueueAsync(message with { Retry = message.Retry + 1, DeferredSince = since }, delay, cancellationToken);
        await batches.UpdatePartAsync(campaign.Id, batchNo, part.Key, BatchPartState.Waiting, part.Attempts, until: now + delay,
            waitingFor: deferral.Reason, cancellationToken: cancellationToken);
        LogDeferred(logger, campaign.Id, batchNo, part.Channel, deferral.SupporterIds.Count, deferral.Reason, delay);
        return true;
    }

    /// <summary>Recipients the provider certainly did not take, and why.</summary>
    private sealed record Deferral(IReadOnlyList<string> SupporterIds, TimeSpan? RetryAfter, string Reason);

    private async Task<Deferral?> SendPartAsync(Campaign campaign, CampaignBatch batch, BatchPart part, Counts counts, CancellationToken cancellationToken)
    {
        Channel channel = part.Channel;
        int batchNo = batch.BatchNo;
        IAlertChannel sender = channels.Single(c => c.Kind == channel);

        // The batch's ranges of the index, read now: who is still in the segment and may be sent to on
        // this channel. Everyone planned who is not is recorded as not sent, with why.
        SegmentDefinition approved = campaign.ApprovedSegment!;
        IReadOnlyDictionary<string, IndexRow> rows = await evaluator.ReadRangesAsync(
            approved with { Channels = campaign.ChannelsFor(approved) }, batch.Ranges, cancellationToken);
        MessageContext context = await contexts.ForAsync(campaign, cancellationToken); // built once for the part
        var eligible = new List<OutgoingMessage>();
        var skipped = new List<(string SupporterId, string Reason)>();
        Dictionary<string, string>? groups = context.Division is { House: Divisions.DivisionIds.Commons } ? [] : null; // the report counts a vote campaign by how each MP voted
        foreach (string id in part.SupporterIds)
        {
            // Gone from the ranges (tags changed, erased), or, for a campaign narrowed by how MPs voted, now
            // under an MP who voted otherwise: out of the audience. Else whatever the row says of the channel.
            string? why = rows.TryGetValue(id, out IndexRow? row) ? (context.Reaches(row.MpMemberId) ? row.WhyNot(channel) : "left-segment") : "left-segment";
            if (why is not null)
            {
                skipped.Add((id, why));
                continue;
            }

            Recipient recipient = renderer.RecipientFor(row!, channel);
            groups?.Add(id, Divisions.VoteWording.Group(context.VoteOf(recipient)));
            eligible.Add(new OutgoingMessage(DeliveryIds.For(campaign.Id, channel, id), id, row!.AddressFor(channel)!, row.FirstName,
                renderer.Render(context, recipient, channel)));
        }

        await ledger.RecordSkippedManyAsync(campaign.Id, channel, skipped, batchNo, time.GetUtcNow(), cancellationToken);
        if (skipped.Count > 0)
        {
            metrics.Messages.Add(skipped.Count, new("channel", channel.ToString()), new("outcome", "suppressed"));
            counts.Skipped += skipped.Count;
        }

        var deferred = new List<string>();
        TimeSpan? retryAfter = null;
        string? reason = null;
        IEnumerable<OutgoingMessage[]> calls = eligible.Chunk(sender.MaxMessagesPerCall);
        if (sender.MaxMessagesPerCall > 1 && eligible.Count is > 0 && eligible.Count <= sender.MaxMessagesPerCall)
        {
            // The part's first attempt, in one call (a SendGrid request): claimed once for the whole part,
            // and each recipient's row written once, with the outcome. Any later attempt (a crash, the same
            // message twice, a retry after a deferral or of unknowns) finds the claim and goes one recipient
            // at a time below, after recording any recipient of an unfinished call as unknown.
            IReadOnlyList<string> ids = [.. eligible.Select(e => e.SupporterId)];
            if (await ledger.TryClaimCallAsync(campaign.Id, part.Key, batchNo, ids, time.GetUtcNow(), cancellationToken))
            {
                calls = [];
                IReadOnlyList<DeliveryResult> results = await SendWithRetriesAsync(sender, campaign, eligible, cancellationToken);
                await RecordAsync(campaign.Id, channel, batchNo, eligible, results, claimedWhole: true, groups, counts, cancellationToken);
                await ledger.CloseCallAsync(campaign.Id, part.Key, batchNo, cancellationToken);
                NoteDeferrals(eligible, results);
            }
            else
            {
                await ledger.SettleInterruptedCallAsync(campaign.Id, part.Key, batchNo, time.GetUtcNow(), cancellationToken);
            }
        }

        // Otherwise each recipient's row is their claim, reserved just before their call, so a crash leaves
        // at most one call's recipients unknown. One call at a time: a part's lanes run side by side instead.
        foreach (OutgoingMessage[] chunk in calls)
        {
            var claimed = (await ledger.TryReserveManyAsync(campaign.Id, channel, chunk.Select(c => c.SupporterId).ToList(), batchNo, time.GetUtcNow(), groups, cancellationToken)).ToHashSet();
            List<OutgoingMessage> reserved = [.. chunk.Where(c => claimed.Contains(c.SupporterId))]; // the rest: already sent, failed or unknown
            if (reserved.Count == 0)
            {
                continue;
            }

            IReadOnlyList<DeliveryResult> results = await SendWithRetriesAsync(sender, campaign, reserved, cancellationToken);
            await RecordAsync(campaign.Id, channel, batchNo, reserved, results, claimedWhole: false, groups: null, counts, cancellationToken);
            NoteDeferrals(reserved, results);
        }

        return deferred.Count > 0 ? new Deferral(deferred, retryAfter, reason!) : null;

        void NoteDeferrals(List<OutgoingMessage> sent, IReadOnlyList<DeliveryResult> results)
        {
            for (int i = 0; i < results.Count; i++)
            {
                if (results[i] is DeliveryResult.Deferred d)
                {
                    if (d.Permanent)
                    {
                        // Waiting will not help (the key was refused): fail the part so the queue retries it, then staff see it.
                        throw new DispatchDeferredException($"{channel}: {d.Reason}.");
                    }

                    deferred.Add(sent[i].SupporterId);
                    if (d.RetryAfter is { } asked && (retryAfter is null || asked > retryAfter))
                    {
                        retryAfter = asked;
                    }

                    reason ??= $"{(channel == Channel.Email ? "SendGrid" : "Twilio")}: {d.Reason}";
                }
            }
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

            var deferred = pending.Where(i => results[i] is DeliveryResult.Deferred { Permanent: false }).ToList();
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

    /// <summary>
    /// Records the outcomes of one provider call: over the recipients' reservations, or, for a call
    /// claimed whole (<paramref name="claimedWhole"/>), as their rows, with the report's <paramref name="groups"/>.
    /// </summary>
    private async Task RecordAsync(
        string campaignId, Channel channel, int batchNo, List<OutgoingMessage> sent, IReadOnlyList<DeliveryResult> results,
        bool claimedWhole, IReadOnlyDictionary<string, string>? groups, Counts counts, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        var outcomes = new List<(string, DeliveryStatus, string?, string?)>(sent.Count);
        for (int i = 0; i < sent.Count; i++)
        {
            OutgoingMessage message = sent[i];
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
                        // The number is refused for good (unsubscribed at the carrier, invalid): nothing more goes to it.
                        await supporters.SuppressAsync(channel, message.Address, "provider-" + rejected.Code, "provider", withdrawConsent: false, cancellationToken);
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

        if (claimedWhole)
        {
            await ledger.RecordCallAsync(campaignId, channel, batchNo, outcomes, groups, now, cancellationToken);
        }
        else
        {
            await ledger.RecordManyAsync(campaignId, channel, outcomes, now, cancellationToken);
        }

        foreach (var group in outcomes.GroupBy(o => o.Item2))
        {
            metrics.Messages.Add(group.Count(), new("channel", channel.ToString()), new("outcome", group.Key.ToString().ToLowerInvariant()));
        }
    }

    private sealed class Counts
    {
        public int Sent;
        public int Skipped;
        public int Unknown;
        public int Failed;
        public int Deferred;

        public DispatchSummary Summary(string campaignId, int batchNo, Channel channel) => new(campaignId, batchNo, channel, Sent, Skipped, Unknown, Failed, Deferred);
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Campaign {CampaignId} batch {BatchNo} not sent: campaign is {State}")]
    private static partial void LogSkippedBatch(ILogger logger, string campaignId, int batchNo, CampaignState? state);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Delivery {DeliveryId} outcome unknown ({Reason}); it will not be re-sent unless staff ask")]
    private static partial void LogUnknown(ILogger logger, string deliveryId, string reason);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Error, Message = "Campaign {CampaignId} batch {BatchNo} {Channel} failed {Attempts} times and goes to the poison queue; staff can retry it")]
    private static partial void LogPoisoned(ILogger logger, string campaignId, int batchNo, Channel channel, int attempts);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Campaign {CampaignId} batch {BatchNo} {Channel}: {Count} not taken ({Reason}); trying again in {Delay}")]
    private static partial void LogDeferred(ILogger logger, string campaignId, int batchNo, Channel channel, int count, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Error, Message = "Campaign {CampaignId} batch {BatchNo} {Channel}: gave up on {Count} recipients after waiting for the provider ({Reason})")]
    private static partial void LogGaveUp(ILogger logger, string campaignId, int batchNo, Channel channel, int count, string reason);
}
