using Alerts.Audit;
using Alerts.Dispatch;
using Alerts.Segments;
using Alerts.Supporters;

namespace Alerts.Campaigns;

/// <summary>
/// What staff (and the timers and rules acting for them) do to campaigns: draft, edit, approve, send or
/// schedule, cancel, re-send unknowns, retry poisoned parts, and pick up what a crash left behind.
/// Every state change goes through <see cref="CampaignTransitions"/>.
/// </summary>
internal sealed partial class CampaignActions(
    CampaignStore campaigns,
    CampaignTransitions transitions,
    CampaignCompletion completion,
    SegmentStore segments,
    BatchStore batches,
    DeliveryLedger ledger,
    DispatchQueue queue,
    Microsoft.Extensions.Options.IOptions<Messages.AlertingOptions> options,
    TimeProvider time,
    ILogger<CampaignActions> logger)
{
    /// <summary>A sending campaign whose plan has not moved for this long has lost its plan message (a crash); it is queued again.</summary>
    public static readonly TimeSpan StalledPlanAfter = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Makes a draft. <paramref name="scheduleAt"/> is when a reminder rule wants it sent: approving it
    /// before then schedules it for that time. <paramref name="draftedBy"/> is who wrote it, if not the
    /// <paramref name="actor"/> (a rule's draft is its author's).
    /// </summary>
    public async Task<CampaignOutcome> CreateDraftAsync(
        CampaignContent content, string actor, string? id = null, string? ruleId = null, DateTimeOffset? scheduleAt = null, string? draftedBy = null,
        CancellationToken cancellationToken = default)
    {
        if (await ValidateAsync(content, cancellationToken) is { Count: > 0 } errors)
        {
            return new CampaignOutcome(CampaignChange.Invalid, null, errors);
        }

        DateTimeOffset now = time.GetUtcNow();
        var campaign = new Campaign(id ?? "c" + Guid.NewGuid().ToString("N")[..20], content, CampaignState.Draft, now, now, scheduleAt, null, ruleId, PlanProgress.NotStarted, default,
            DraftedBy: draftedBy ?? actor);
        return await campaigns.TryAddAsync(campaign, cancellationToken)
            ? new CampaignOutcome(CampaignChange.Done, await campaigns.GetAsync(campaign.Id, cancellationToken))
            : new CampaignOutcome(CampaignChange.WrongState, await campaigns.GetAsync(campaign.Id, cancellationToken));
    }

    public async Task<CampaignOutcome> EditDraftAsync(string id, CampaignContent content, string actor, CancellationToken cancellationToken = default) =>
        await ValidateAsync(content, cancellationToken) is { Count: > 0 } errors
            ? new CampaignOutcome(CampaignChange.Invalid, null, errors)
            : await transitions.ChangeAsync(id, [CampaignState.Draft], c => c with { Content = content }, actor, cancellationToken: cancellationToken);

    /// <summary>Whether this person may approve the campaign: not its own drafter, where a second approver is required.</summary>
    public bool MayApprove(Campaign campaign, string actor) => !(options.Value.RequireSecondApprover && campaign.DraftedBy == actor);

    /// <summary>
    /// Approves a draft, fixing its audience: the segment's definition is copied into the campaign, and that
    /// copy is what it sends to, whatever is done to the segment later.
    /// </summary>
    public async Task<CampaignOutcome> ApproveAsync(string id, string? approvedBy, string actor, CancellationToken cancellationToken = default)
    {
        if (approvedBy is { Length: > 200 })
        {
            return new CampaignOutcome(CampaignChange.Invalid, null, new Dictionary<string, string[]> { ["approvedBy"] = ["At most 200 characters."] });
        }

        if (await campaigns.GetAsync(id, cancellationToken) is not { } draft)
        {
            return CampaignOutcome.NotFound;
        }

        if (draft.State != CampaignState.Draft)
        {
            return new CampaignOutcome(CampaignChange.WrongState, draft);
        }

        if (!MayApprove(draft, actor))
        {
            return new CampaignOutcome(CampaignChange.NeedsSecondApprover, draft);
        }

        Segment? segment = await segments.GetAsync(draft.Content.SegmentId, cancellationToken);
        if (segment is null || CampaignContentRules.ChannelErrors(draft.Content, segment) is { Count: > 0 })
        {
            return new CampaignOutcome(CampaignChange.Invalid, draft, segment is null
                ? new Dictionary<string, string[]> { ["segmentId"] = ["The campaign's segment no longer exists: choose another, then approve."] }
                : CampaignContentRules.ChannelErrors(draft.Content, segment));
        }

        // Declined if the draft was given another segment since it was read.
        return await transitions.ChangeAsync(id, [CampaignState.Draft],
            c => c.Content.SegmentId == segment.Id
                ? c with
                {
                    // A reminder approved before its time is scheduled for it; approved later, staff choose when to send.
                    State = c.ScheduledAt > time.GetUtcNow() ? CampaignState.Scheduled : CampaignState.Approved,
                    ApprovedBy = approvedBy ?? actor,
                    ApprovedSegment = segment.Definition,
                }
                : null,
            actor, cancellationToken: cancellationToken);
    }

    /// <summary>Sends now, or at <paramref name="at"/> (UTC). SMS still waits for the end of quiet hours.</summary>
    public async Task<CampaignOutcome> SendAsync(string id, DateTimeOffset? at, string actor, CancellationToken cancellationToken = default)
    {
        if (at is { } scheduled && scheduled > time.GetUtcNow())
        {
            return await transitions.ChangeAsync(id, [CampaignState.Approved], c => c with { State = CampaignState.Scheduled, ScheduledAt = scheduled }, actor,
                cancellationToken: cancellationToken);
        }

        // "Sending", then its plan message: a crash between the two is picked up by ResumeStalledAsync.
        CampaignOutcome outcome = await transitions.ChangeAsync(id, [CampaignState.Approved, CampaignState.Scheduled], c => c with { State = CampaignState.Sending }, actor,
            cancellationToken: cancellationToken);
        if (outcome.Change == CampaignChange.Done)
        {
            await queue.EnqueueAsync(new DispatchMessage(id, DispatchKind.Plan), cancellationToken: cancellationToken);
            LogSending(logger, id);
        }

        return outcome;
    }

    /// <summary>Cancels; batches not yet sent see the state and stop.</summary>
    public Task<CampaignOutcome> CancelAsync(string id, string actor, CancellationToken cancellationToken = default) =>
        transitions.ChangeAsync(id, [CampaignState.Draft, CampaignState.Approved, CampaignState.Scheduled, CampaignState.Sending],
            c => c with { State = CampaignState.Cancelled }, actor, cancellationToken: cancellationToken);

    /// <summary>Starts every scheduled campaign whose time has come. Called by the StartScheduledCampaigns timer.</summary>
    public async Task<int> StartDueAsync(CancellationToken cancellationToken = default)
    {
        int started = 0;
        foreach (Campaign campaign in await campaigns.ListAsync(CampaignState.Scheduled, cancellationToken))
        {
            if (campaign.ScheduledAt <= time.GetUtcNow() && (await SendAsync(campaign.Id, null, Actors.System, cancellationToken)).Change == CampaignChange.Done)
            {
                started++;
            }
        }

        return started;
    }

    /// <summary>Puts unknown deliveries back to be sent again: only on an explicit staff decision.</summary>
    public async Task<int> ResendUnknownAsync(string id, string actor, CancellationToken cancellationToken = default)
    {
        var resend = new Dictionary<(int BatchNo, Channel Channel), HashSet<string>>();
        DateTimeOffset now = time.GetUtcNow();
        await foreach (Delivery delivery in ledger.ListAsync(id, cancellationToken))
        {
            if (delivery.Status == DeliveryStatus.Unknown && await ledger.TryUpdateAsync(delivery, DeliveryStatus.Deferred, null, "resend requested", now, cancellationToken))
            {
                (resend.TryGetValue((delivery.BatchNo, delivery.Channel), out var ids) ? ids : resend[(delivery.BatchNo, delivery.Channel)] = []).Add(delivery.SupporterId);
            }
        }

        // The parts (lanes, for SMS) those recipients were planned in.
        var parts = new List<(int BatchNo, PartKey Part)>();
        foreach (((int batchNo, Channel channel), HashSet<string> ids) in resend)
        {
            if (await batches.GetBatchAsync(id, batchNo, cancellationToken) is { } batch)
            {
                parts.AddRange(batch.PartsOf(channel).Where(p => p.SupporterIds.Any(ids.Contains)).Select(p => (batchNo, p.Key)));
            }
        }

        if (parts.Count > 0)
        {
            // Parts first, then the state, then the messages: each message finds its part to do.
            foreach ((int batchNo, PartKey part) in parts)
            {
                await batches.UpdatePartAsync(id, batchNo, part, BatchPartState.Pending, 0, cancellationToken: cancellationToken);
            }

            // Those parts are not done any more: completion must look at them again.
            int reopened = parts.Min(p => p.BatchNo);
            await transitions.ChangeAsync(id, [CampaignState.Completed, CampaignState.Sending],
                c => c with { State = CampaignState.Sending, Plan = c.Plan with { DoneBelow = Math.Min(c.Plan.DoneBelow, reopened) } }, actor,
                "unknown deliveries to re-send", cancellationToken);
            foreach ((int batchNo, PartKey part) in parts)
            {
                await queue.EnqueueAsync(DispatchMessage.Send(id, batchNo, part), cancellationToken: cancellationToken);
            }
        }

        return parts.Count;
    }

    /// <summary>
    /// Queues again every part of a sending campaign that failed on every attempt (poisoned), once staff
    /// have dealt with the cause (a refused key, say). Returns how many parts were queued.
    /// </summary>
    public async Task<int?> RetryPoisonedAsync(string id, string actor, CancellationToken cancellationToken = default)
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
        foreach (CampaignBatch batch in await batches.ListBatchesAsync(id, cancellationToken))
        {
            foreach (BatchPart part in batch.Parts.Where(p => p.State == BatchPartState.Poisoned))
            {
                await batches.UpdatePartAsync(id, batch.BatchNo, part.Key, BatchPartState.Pending, 0, cancellationToken: cancellationToken);
                await queue.EnqueueAsync(DispatchMessage.Send(id, batch.BatchNo, part.Key), cancellationToken: cancellationToken);
                queued++;
            }
        }

        LogRetried(logger, id, queued, actor);
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
                await completion.TryCompleteAsync(campaign.Id, cancellationToken);
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

    private async Task<Dictionary<string, string[]>> ValidateAsync(CampaignContent content, CancellationToken cancellationToken)
    {
        Dictionary<string, string[]> errors = CampaignContentRules.Validate(content);
        if (content.MpVoted.Count > 0 && content.Bill?.Division is not { House: Divisions.DivisionIds.Commons })
        {
            errors["mpVoted"] = ["Only a follow-up on a Commons division knows how each supporter's MP voted (supporters have no peer)."];
        }

        if (!errors.ContainsKey("segmentId"))
        {
            if (await segments.GetAsync(content.SegmentId, cancellationToken) is not { } segment)
            {
                errors["segmentId"] = ["No segment has this id."];
            }
            else if (!errors.ContainsKey("channels"))
            {
                foreach ((string field, string[] reasons) in CampaignContentRules.ChannelErrors(content, segment))
                {
                    errors[field] = reasons;
                }
            }
        }

        return errors;
    }

    [LoggerMessage(EventId = 5402, Level = LogLevel.Information, Message = "Campaign {CampaignId} is sending: planning queued")]
    private static partial void LogSending(ILogger logger, string campaignId);

    [LoggerMessage(EventId = 5403, Level = LogLevel.Warning, Message = "Campaign {CampaignId} was sending but its plan had stopped moving: planning queued again")]
    private static partial void LogResumed(ILogger logger, string campaignId);

    [LoggerMessage(EventId = 5404, Level = LogLevel.Information, Message = "Campaign {CampaignId}: {Parts} poisoned batch parts queued again by {Actor}")]
    private static partial void LogRetried(ILogger logger, string campaignId, int parts, string actor);
}
