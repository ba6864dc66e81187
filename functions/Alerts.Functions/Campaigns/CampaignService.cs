using Alerts.Channels;
using Alerts.Dispatch;
using Alerts.Messages;
using Alerts.Segments;
using Alerts.Supporters;
using Microsoft.Extensions.Options;

namespace Alerts.Campaigns;

/// <summary>The campaign state machine: draft → approved → scheduled → sending → completed (or cancelled, failed).</summary>
internal sealed partial class CampaignService(
    CampaignStore campaigns,
    SegmentStore segments,
    SegmentEvaluator evaluator,
    SupporterStore supporters,
    DeliveryLedger ledger,
    DispatchQueue queue,
    MessageRenderer renderer,
    UnsubscribeLinks unsubscribe,
    IEnumerable<IAlertChannel> channels,
    Audit.AuditLog audit,
    Audit.AuditActor actor,
    IOptions<AlertingOptions> options,
    TimeProvider time,
    ILogger<CampaignService> logger)
{
    private const int MaxRaces = 5;

    /// <summary>A sending campaign whose plan has not moved for this long has lost its plan message (a crash); it is queued again.</summary>
    public static readonly TimeSpan StalledPlanAfter = TimeSpan.FromMinutes(2);

    public async Task<CampaignOutcome> CreateDraftAsync(CampaignContent content, string? id = null, string? ruleId = null, CancellationToken cancellationToken = default)
    {
        if (await ValidateAsync(content, cancellationToken) is { Count: > 0 } errors)
        {
            return new CampaignOutcome(CampaignChange.Invalid, null, errors);
        }

        DateTimeOffset now = time.GetUtcNow();
        var campaign = new Campaign(id ?? "c" + Guid.NewGuid().ToString("N")[..20], content, CampaignState.Draft, now, now, null, null, ruleId, PlanProgress.NotStarted, default);
        return await campaigns.TryAddAsync(campaign, cancellationToken)
            ? new CampaignOutcome(CampaignChange.Done, await campaigns.GetAsync(campaign.Id, cancellationToken))
            : new CampaignOutcome(CampaignChange.WrongState, await campaigns.GetAsync(campaign.Id, cancellationToken));
    }

    public async Task<CampaignOutcome> EditDraftAsync(string id, CampaignContent content, CancellationToken cancellationToken = default)
    {
        if (await ValidateAsync(content, cancellationToken) is { Count: > 0 } errors)
        {
            return new CampaignOutcome(CampaignChange.Invalid, null, errors);
        }

        return await TransitionAsync(id, [CampaignState.Draft], c => c with { Content = content }, cancellationToken);
    }

    /// <summary>
    /// Approves a draft, fixing its audience: the segment's definition is copied into the campaign, and that
    /// copy is what it sends to, whatever is done to the segment later.
    /// </summary>
    public async Task<CampaignOutcome> ApproveAsync(string id, string approvedBy, CancellationToken cancellationToken = default)
    {
        if (await campaigns.GetAsync(id, cancellationToken) is not { } draft)
        {
            return CampaignOutcome.NotFound;
        }

        if (draft.State != CampaignState.Draft)
        {
            return new CampaignOutcome(CampaignChange.WrongState, draft);
        }

        Segment? segment = await segments.GetAsync(draft.Content.SegmentId, cancellationToken);
        if (segment is null || ChannelErrors(draft.Content, segment) is { Count: > 0 })
        {
            return new CampaignOutcome(CampaignChange.Invalid, draft, segment is null
                ? new Dictionary<string, string[]> { ["segmentId"] = ["The campaign's segment no longer exists: choose another, then approve."] }
                : ChannelErrors(draft.Content, segment));
        }

        return await TransitionAsync(id, [CampaignState.Draft],
            c => c.Content.SegmentId == segment.Id
                ? c with { State = CampaignState.Approved, ApprovedBy = approvedBy, ApprovedSegment = segment.Definition }
                : c, cancellationToken);
    }

    /// <summary>Sends now, or at <paramref name="at"/> (UTC). SMS still waits for the end of quiet hours.</summary>
    public async Task<CampaignOutcome> SendAsync(string id, DateTimeOffset? at, CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = time.GetUtcNow();
        if (at is { } scheduled && scheduled > now)
        {
            return await TransitionAsync(id, [CampaignState.Approved], c => c with { State = CampaignState.Scheduled, ScheduledAt = scheduled }, cancellationToken);
        }

        CampaignOutcome outcome = await TransitionAsync(id, [CampaignState.Approved, CampaignState.Scheduled], c => c with { State = CampaignState.Sending }, cancellationToken);
        if (outcome.Change == CampaignChange.Done)
        {
            await queue.EnqueueAsync(new DispatchMessage(id, DispatchKind.Plan), cancellationToken: cancellationToken);
            LogSending(logger, id);
        }

        return outcome;
    }

    /// <summary>Cancels; batches not yet sent see the state and stop.</summary>
    public Task<CampaignOutcome> CancelAsync(string id, CancellationToken cancellationToken = default) =>
        TransitionAsync(id, [CampaignState.Draft, CampaignState.Approved, CampaignState.Scheduled, CampaignState.Sending],
            c => c with { State = CampaignState.Cancelled }, cancellationToken);

    /// <summary>Starts every scheduled campaign whose time has come. Called by the StartScheduledCampaigns timer.</summary>
    public async Task<int> StartDueAsync(CancellationToken cancellationToken = default)
    {
        int started = 0;
        foreach (Campaign campaign in await campaigns.ListAsync(CampaignState.Scheduled, cancellationToken))
        {
            if (campaign.ScheduledAt <= time.GetUtcNow() && (await SendAsync(campaign.Id, null, cancellationToken)).Change == CampaignChange.Done)
            {
                started++;
            }
        }

        return started;
    }

    /// <summary>Puts unknown deliveries back to be sent again: only on an explicit staff decision.</summary>
    public async Task<int> ResendUnknownAsync(string id, CancellationToken cancellationToken = default)
    {
        var batches = new HashSet<(int BatchNo, Channel Channel)>();
        DateTimeOffset now = time.GetUtcNow();
        await foreach (Delivery delivery in ledger.ListAsync(id, cancellationToken))
        {
            if (delivery.Status == DeliveryStatus.Unknown && await ledger.TryUpdateAsync(delivery, DeliveryStatus.Deferred, null, "resend requested", now, cancellationToken))
            {
                batches.Add((delivery.BatchNo, delivery.Channel));
            }
        }

        if (batches.Count > 0)
        {
            // Parts first, then the state, then the messages: each message finds its part to do.
            foreach ((int batchNo, Channel channel) in batches)
            {
                await campaigns.UpdatePartAsync(id, batchNo, channel, BatchPartState.Pending, 0, cancellationToken: cancellationToken);
            }

            await TransitionAsync(id, [CampaignState.Completed, CampaignState.Sending], c => c with { State = CampaignState.Sending }, cancellationToken);
            foreach ((int batchNo, Channel channel) in batches)
            {
                await queue.EnqueueAsync(DispatchMessage.Send(id, batchNo, channel), cancellationToken: cancellationToken);
            }
        }

        return batches.Count;
    }

    /// <summary>
    /// Queues again every part of a sending campaign that failed on every attempt (poisoned), once staff
    /// have dealt with the cause (a refused key, say). Returns how many parts were queued.
    /// </summary>
    public async Task<int?> RetryPoisonedAsync(string id, CancellationToken cancellationToken = default)
    {
        if (await campaigns.GetAsync(id, cancellationToken) is not { } campaign)
        {
            return null;
        }

        if (campaign.State != CampaignState.Sending)
        {
            return 0;
        }

        int queued = 0;
        foreach (CampaignBatch batch in await campaigns.ListBatchesAsync(id, cancellationToken))
        {
            foreach (BatchPart part in batch.Parts.Values.Where(p => p.State == BatchPartState.Poisoned))
            {
                await campaigns.UpdatePartAsync(id, batch.BatchNo, part.Channel, BatchPartState.Pending, 0, cancellationToken: cancellationToken);
                await queue.EnqueueAsync(DispatchMessage.Send(id, batch.BatchNo, part.Channel), cancellationToken: cancellationToken);
                queued++;
            }
        }

        LogRetried(logger, id, queued);
        return queued;
    }

    /// <summary>
    /// Picks up sending campaigns a crash left behind: a plan that stopped moving (its message lost between
    /// "sending" and the queue, say) is queued again, and one whose every batch is done is completed. Planning
    /// is idempotent, so a plan queued twice costs a read, never a second message to anyone.
    /// </summary>
    public async Task<int> ResumeStalledAsync(CancellationToken cancellationToken = default)
    {
        int resumed = 0;
        foreach (Campaign campaign in await campaigns.ListAsync(CampaignState.Sending, cancellationToken))
        {
            DateTimeOffset now = time.GetUtcNow();
            if (campaign.Plan.Complete)
            {
                if (await campaigns.TryCompleteAsync(campaign.Id, now, cancellationToken))
                {
                    await audit.RecordAsync("system", "CampaignStateChanged", "campaign", campaign.Id, "Sending → Completed", cancellationToken);
                }
            }
            else if (now - campaign.UpdatedAt >= StalledPlanAfter && await campaigns.TryReplaceAsync(campaign with { UpdatedAt = now }, cancellationToken))
            {
                // Touched first, so the next sweep waits for this plan to move before queueing another.
                await queue.EnqueueAsync(new DispatchMessage(campaign.Id, DispatchKind.Plan), cancellationToken: cancellationToken);
                LogResumed(logger, campaign.Id);
                resumed++;
            }
        }

        return resumed;
    }

    public async Task<CampaignReport?> ReportAsync(string id, CancellationToken cancellationToken = default)
    {
        if (await campaigns.GetAsync(id, cancellationToken) is not { } campaign)
        {
            return null;
        }

        IReadOnlyList<CampaignBatch> batches = await campaigns.ListBatchesAsync(id, cancellationToken);
        IReadOnlyList<Channel> channelList = campaign.ApprovedSegment is { } approved ? campaign.ChannelsFor(approved) : campaign.Content.Channels;
        var byChannel = channelList.ToDictionary(c => c, _ => Enum.GetValues<DeliveryStatus>().ToDictionary(s => s.ToString().ToLowerInvariant(), _ => 0));
        await foreach (Delivery delivery in ledger.ListAsync(id, cancellationToken))
        {
            if (byChannel.TryGetValue(delivery.Channel, out var counts))
            {
                counts[delivery.Status.ToString().ToLowerInvariant()]++;
            }
        }

        var parts = batches.SelectMany(b => b.Parts.Values.Select(p => (b.BatchNo, Part: p))).ToList();
        var channelsReport = byChannel.ToDictionary(p => p.Key, p =>
        {
            var mine = parts.Where(x => x.Part.Channel == p.Key).ToList();
            int planned = mine.Sum(x => x.Part.Count);
            // Planned recipients with no ledger row yet are still queued.
            p.Value["queued"] = Math.Max(0, planned - p.Value.Values.Sum());
            IReadOnlyList<WaitingReport> waiting = [.. mine.Where(x => x.Part.State == BatchPartState.Waiting)
                .GroupBy(x => x.Part.WaitingFor ?? "the queue")
                .Select(g => new WaitingReport(g.Count(), g.Key, g.Max(x => x.Part.Until)))];
            return new ChannelReport(p.Value, planned, waiting);
        });

        var poisoned = parts.Where(x => x.Part.State == BatchPartState.Poisoned)
            .Select(x => new PoisonedReport(x.BatchNo, x.Part.Channel, x.Part.Attempts, x.Part.Error)).ToList();
        var batchReport = new BatchReport(
            parts.Count,
            parts.Count(x => x.Part.State == BatchPartState.Done),
            parts.Count(x => x.Part.State == BatchPartState.Waiting),
            parts.Count(x => x.Part.State == BatchPartState.Pending && x.Part.Attempts > 0),
            poisoned.Count);
        return new CampaignReport(id, campaign.State, Describe(campaign, channelsReport, batchReport, poisoned), channelsReport, batchReport, poisoned);
    }

    /// <summary>What the campaign is doing or waiting for, in the words staff see.</summary>
    private static string Describe(Campaign campaign, IReadOnlyDictionary<Channel, ChannelReport> channels, BatchReport batches, List<PoisonedReport> poisoned)
    {
        if (campaign.State != CampaignState.Sending)
        {
            return campaign.State switch
            {
                CampaignState.Draft => "Draft: waiting for approval.",
                CampaignState.Approved => "Approved: waiting to be sent or scheduled.",
                CampaignState.Scheduled => FormattableString.Invariant($"Scheduled for {campaign.ScheduledAt:yyyy-MM-dd HH:mm} UTC."),
                CampaignState.Completed => "Completed.",
                CampaignState.Cancelled => "Cancelled: parts not yet sent were not sent.",
                _ => "Failed: it has no approved segment.",
            };
        }

        var reasons = new List<string>();
        if (!campaign.Plan.Complete)
        {
            reasons.Add(FormattableString.Invariant($"Planning: {campaign.Plan.NextBatch} batches so far."));
        }

        if (poisoned.Count > 0)
        {
            reasons.Add(FormattableString.Invariant(
                $"Needs attention: {poisoned.Count} batch part(s) failed on every attempt ({poisoned[0].Error}). Fix the cause, then retry them (POST /api/v1/campaigns/{campaign.Id}/retry)."));
        }

        foreach ((Channel channel, ChannelReport report) in channels)
        {
            reasons.AddRange(report.Waiting.Select(w => FormattableString.Invariant(
                $"{channel}: {w.Batches} batch(es) waiting for {w.Reason}{(w.Until is { } until ? $" until {until:yyyy-MM-dd HH:mm} UTC" : "")}.")));
        }

        if (reasons.Count == 0)
        {
            reasons.Add(FormattableString.Invariant($"Sending: {batches.Done} of {batches.Planned} batch parts done."));
        }

        return string.Join(" ", reasons);
    }

    public async Task<IReadOnlyDictionary<Channel, ChannelPreview>?> PreviewAsync(string id, string? supporterId, CancellationToken cancellationToken = default)
    {
        if (await campaigns.GetAsync(id, cancellationToken) is not { } campaign)
        {
            return null;
        }

        // An approved campaign previews the audience it was approved with; a draft, its segment as it is now.
        SegmentDefinition? segment = campaign.ApprovedSegment ?? (await segments.GetAsync(campaign.Content.SegmentId, cancellationToken))?.Definition;
        if (segment is null)
        {
            return null;
        }

        IReadOnlyList<Channel> channelList = campaign.ChannelsFor(segment);
        Supporter? supporter = supporterId is null ? null : (await supporters.GetAsync(supporterId, cancellationToken))?.Supporter;
        var recipients = channelList.ToDictionary(c => c, _ => 0);
        await foreach (IndexRow row in evaluator.MembersAsync(segment with { Channels = channelList }, cancellationToken))
        {
            // Counts after consent and suppression, as the dispatcher will judge them now: one read of the supporter per member.
            Supporter? member = (await supporters.GetAsync(row.SupporterId, cancellationToken))?.Supporter;
            foreach (Channel channel in channelList.Where(row.Allows))
            {
                if (member?.CanReceive(channel) == true && await supporters.FindSuppressionAsync(channel, member.AddressFor(channel)!, cancellationToken) is null)
                {
                    recipients[channel]++;
                }
            }
        }

        // A campaign sends on the channels both it and its segment name (checked when drafted and approved); say so here too.
        var previews = campaign.Content.Channels.Except(channelList).ToDictionary(c => c, c => new ChannelPreview(null, null, null, null, 0,
            $"Not sent: the segment is for {string.Join(" and ", segment.Channels).ToLowerInvariant()} only."));
        foreach (Channel channel in channelList)
        {
            previews[channel] = Render(channel);
        }

        return previews;

        ChannelPreview Render(Channel channel)
        {
            Personalisation values = supporter is null
                ? MessageRenderer.Sample(campaign.Content, unsubscribe.For("sample", channel), options.Value.CharityName)
                : renderer.For(supporter, channel, campaign.Content);
            if (channel == Channel.Sms)
            {
                string body = renderer.Sms(campaign.Content.Sms!, values);
                return new ChannelPreview(null, body, null, SmsText.Measure(body), recipients[channel]);
            }

            EmailContent email = campaign.Content.Email!;
            return email.TemplateId is { } template
                ? new ChannelPreview($"(SendGrid template {template})", System.Text.Json.JsonSerializer.Serialize(values.Values), null, null, recipients[channel])
                : new ChannelPreview(MessageRenderer.Fill(email.Subject!, values), MessageRenderer.Fill(email.Text!, values), MessageRenderer.Fill(email.Html!, values, html: true), null, recipients[channel]);
        }
    }

    /// <summary>Sends the campaign, with sample values, to the addresses staff give; nothing is recorded against supporters.</summary>
    public async Task<IReadOnlyList<string>?> TestSendAsync(string id, IReadOnlyList<string> emails, IReadOnlyList<string> phones, CancellationToken cancellationToken = default)
    {
        if (await campaigns.GetAsync(id, cancellationToken) is not { } campaign)
        {
            return null;
        }

        var outcomes = new List<string>();
        foreach ((Channel channel, IReadOnlyList<string> addresses) in new[] { (Channel.Email, emails), (Channel.Sms, phones) })
        {
            if (addresses.Count == 0)
            {
                continue;
            }

            Personalisation values = MessageRenderer.Sample(campaign.Content, unsubscribe.For("test", channel), options.Value.CharityName);
            var messages = addresses.Select((address, i) => new OutgoingMessage($"{id}.test{i}", $"{OutboxChannel.TestRecipientPrefix}{i}", address, "Test", values,
                channel == Channel.Sms ? renderer.Sms(campaign.Content.Sms ?? "(no SMS text)", values) : null)).ToList();
            // Kept with the campaign's own outbox (marked as tests) when no provider is configured.
            IReadOnlyList<DeliveryResult> results = await channels.Single(c => c.Kind == channel)
                .SendAsync(campaign.Content, id, messages, cancellationToken);
            outcomes.AddRange(results.Select((r, i) => $"{channel} #{i + 1}: {r.GetType().Name.ToLowerInvariant()}"));
        }

        return outcomes;
    }

    private async Task<Dictionary<string, string[]>> ValidateAsync(CampaignContent content, CancellationToken cancellationToken)
    {
        Dictionary<string, string[]> errors = MessageRenderer.Validate(content);
        if (!errors.ContainsKey("segmentId"))
        {
            if (await segments.GetAsync(content.SegmentId, cancellationToken) is not { } segment)
            {
                errors["segmentId"] = ["No segment has this id."];
            }
            else if (!errors.ContainsKey("channels"))
            {
                foreach ((string field, string[] reasons) in ChannelErrors(content, segment))
                {
                    errors[field] = reasons;
                }
            }
        }

        return errors;
    }

    /// <summary>A campaign sends only on channels its segment is for: asking for another is a mistake to point out, not to ignore.</summary>
    private static Dictionary<string, string[]> ChannelErrors(CampaignContent content, Segment segment)
    {
        Channel[] outside = [.. content.Channels.Where(c => !segment.Definition.Channels.Contains(c))];
        return outside.Length == 0
            ? []
            : new Dictionary<string, string[]>
            {
                ["channels"] = [$"The segment '{segment.Definition.Name}' is for {string.Join(" and ", segment.Definition.Channels).ToLowerInvariant()} only; remove {string.Join(" and ", outside).ToLowerInvariant()} or choose another segment."],
            };
    }

    private async Task<CampaignOutcome> TransitionAsync(string id, CampaignState[] from, Func<Campaign, Campaign> change, CancellationToken cancellationToken)
    {
        for (int attempt = 0; attempt < MaxRaces; attempt++)
        {
            Campaign? campaign = await campaigns.GetAsync(id, cancellationToken);
            if (campaign is null)
            {
                return CampaignOutcome.NotFound;
            }

            if (!from.Contains(campaign.State))
            {
                return new CampaignOutcome(CampaignChange.WrongState, campaign);
            }

            Campaign next = change(campaign) with { UpdatedAt = time.GetUtcNow() };
            if (await campaigns.TryReplaceAsync(next, cancellationToken))
            {
                if (next.State != campaign.State)
                {
                    LogStateChanged(logger, id, campaign.State, next.State);
                    await audit.RecordAsync(actor.For("system"), "CampaignStateChanged", "campaign", id, $"{campaign.State} → {next.State}", cancellationToken);
                }

                return new CampaignOutcome(CampaignChange.Done, await campaigns.GetAsync(id, cancellationToken));
            }
        }

        throw new InvalidOperationException($"Campaign {id} kept changing; try again.");
    }

    [LoggerMessage(EventId = 5401, Level = LogLevel.Information, Message = "Campaign {CampaignId}: {From} → {To}")]
    private static partial void LogStateChanged(ILogger logger, string campaignId, CampaignState from, CampaignState to);

    [LoggerMessage(EventId = 5402, Level = LogLevel.Information, Message = "Campaign {CampaignId} is sending: planning queued")]
    private static partial void LogSending(ILogger logger, string campaignId);

    [LoggerMessage(EventId = 5403, Level = LogLevel.Warning, Message = "Campaign {CampaignId} was sending but its plan had stopped moving: planning queued again")]
    private static partial void LogResumed(ILogger logger, string campaignId);

    [LoggerMessage(EventId = 5404, Level = LogLevel.Information, Message = "Campaign {CampaignId}: {Parts} poisoned batch parts queued again by staff")]
    private static partial void LogRetried(ILogger logger, string campaignId, int parts);
}
