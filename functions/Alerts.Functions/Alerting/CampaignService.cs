using Alerts.Supporters;
using Microsoft.Extensions.Options;

namespace Alerts.Alerting;

internal enum CampaignChange
{
    Done,
    NotFound,
    WrongState,
    Invalid,
}

internal sealed record CampaignOutcome(CampaignChange Change, Campaign? Campaign, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public static CampaignOutcome NotFound { get; } = new(CampaignChange.NotFound, null);
}

public sealed record ChannelReport(IReadOnlyDictionary<string, int> ByStatus, int Planned);

public sealed record BatchReport(int Planned, int Done, int Failing, int Poisoned);

public sealed record CampaignReport(string CampaignId, CampaignState State, IReadOnlyDictionary<Channel, ChannelReport> Channels, BatchReport Batches);

public sealed record ChannelPreview(string? Subject, string? Body, string? Html, SmsInfo? Sms, int Recipients);

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
    Hosting.FunctionCatalog catalog,
    Audit.AuditLog audit,
    Audit.AuditActor actor,
    IOptions<AlertingOptions> options,
    TimeProvider time,
    ILogger<CampaignService> logger)
{
    private const int MaxRaces = 5;

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

    public Task<CampaignOutcome> ApproveAsync(string id, string approvedBy, CancellationToken cancellationToken = default) =>
        TransitionAsync(id, [CampaignState.Draft], c => c with { State = CampaignState.Approved, ApprovedBy = approvedBy }, cancellationToken);

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
            await TransitionAsync(id, [CampaignState.Completed, CampaignState.Sending], c => c with { State = CampaignState.Sending }, cancellationToken);
            foreach (var group in batches.GroupBy(b => b.BatchNo))
            {
                await queue.EnqueueAsync(new DispatchMessage(id, DispatchKind.Send, group.Key, [.. group.Select(g => g.Channel)]), cancellationToken: cancellationToken);
            }
        }

        return batches.Count;
    }

    public async Task<CampaignReport?> ReportAsync(string id, CancellationToken cancellationToken = default)
    {
        if (await campaigns.GetAsync(id, cancellationToken) is not { } campaign)
        {
            return null;
        }

        IReadOnlyList<CampaignBatch> batches = await campaigns.ListBatchesAsync(id, cancellationToken);
        int planned = batches.Sum(b => b.Count);
        var byChannel = campaign.Content.Channels.ToDictionary(c => c, _ => Enum.GetValues<DeliveryStatus>().ToDictionary(s => s.ToString().ToLowerInvariant(), _ => 0));
        await foreach (Delivery delivery in ledger.ListAsync(id, cancellationToken))
        {
            if (byChannel.TryGetValue(delivery.Channel, out var counts))
            {
                counts[delivery.Status.ToString().ToLowerInvariant()]++;
            }
        }

        var channelsReport = byChannel.ToDictionary(p => p.Key, p =>
        {
            // Planned recipients with no ledger row yet are still queued.
            p.Value["queued"] = Math.Max(0, planned - p.Value.Values.Sum());
            return new ChannelReport(p.Value, planned);
        });
        int maxAttempts = catalog.Queues.MaxDequeueCount;
        return new CampaignReport(id, campaign.State, channelsReport, new BatchReport(
            batches.Count, batches.Count(b => b.Done), batches.Count(b => !b.Done && b.Attempts > 0 && b.Attempts < maxAttempts),
            batches.Count(b => !b.Done && b.Attempts >= maxAttempts)));
    }

    public async Task<IReadOnlyDictionary<Channel, ChannelPreview>?> PreviewAsync(string id, string? supporterId, CancellationToken cancellationToken = default)
    {
        if (await campaigns.GetAsync(id, cancellationToken) is not { } campaign || await segments.GetAsync(campaign.Content.SegmentId, cancellationToken) is not { } segment)
        {
            return null;
        }

        Supporter? supporter = supporterId is null ? null : (await supporters.GetAsync(supporterId, cancellationToken))?.Supporter;
        var recipients = campaign.Content.Channels.ToDictionary(c => c, _ => 0);
        await foreach (IndexRow row in evaluator.MembersAsync(segment.Definition with { Channels = campaign.Content.Channels }, cancellationToken))
        {
            // Counts after consent and suppression, as the dispatcher will judge them now: one read of the supporter per member.
            Supporter? member = (await supporters.GetAsync(row.SupporterId, cancellationToken))?.Supporter;
            foreach (Channel channel in campaign.Content.Channels.Where(row.Allows))
            {
                if (member?.CanReceive(channel) == true && await supporters.FindSuppressionAsync(channel, member.AddressFor(channel)!, cancellationToken) is null)
                {
                    recipients[channel]++;
                }
            }
        }

        return campaign.Content.Channels.ToDictionary(c => c, channel =>
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
        });
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
            var messages = addresses.Select((address, i) => new OutgoingMessage($"{id}.test{i}", $"test{i}", address, "Test", values,
                channel == Channel.Sms ? renderer.Sms(campaign.Content.Sms ?? "(no SMS text)", values) : null)).ToList();
            IReadOnlyList<DeliveryResult> results = await channels.Single(c => c.Kind == channel)
                .SendAsync(campaign.Content, id + "test", messages, cancellationToken);
            outcomes.AddRange(results.Select((r, i) => $"{channel} #{i + 1}: {r.GetType().Name.ToLowerInvariant()}"));
        }

        return outcomes;
    }

    private async Task<Dictionary<string, string[]>> ValidateAsync(CampaignContent content, CancellationToken cancellationToken)
    {
        Dictionary<string, string[]> errors = MessageRenderer.Validate(content);
        if (!errors.ContainsKey("segmentId") && await segments.GetAsync(content.SegmentId, cancellationToken) is null)
        {
            errors["segmentId"] = ["No segment has this id."];
        }

        return errors;
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
}
