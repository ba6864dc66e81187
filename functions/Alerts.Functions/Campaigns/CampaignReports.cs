using Alerts.Dispatch;
using Alerts.Supporters;

namespace Alerts.Campaigns;

/// <summary>
/// One channel of a campaign: recipients by outcome (<c>queued</c>: planned, not yet tried), how many were
/// planned (eligible when the segment was read), and what its waiting parts wait for.
/// </summary>
public sealed record ChannelReport(IReadOnlyDictionary<string, int> ByStatus, int Planned, IReadOnlyList<WaitingReport> Waiting);

/// <summary>Batches of one channel waiting for the same thing, until about the same time.</summary>
public sealed record WaitingReport(int Batches, string Reason, DateTimeOffset? Until);

/// <summary>A channel's part of a batch that failed on every attempt: what went wrong, and how to retry it.</summary>
public sealed record PoisonedReport(int BatchNo, Channel Channel, int Attempts, string? Error);

/// <summary>How many recipients' deliveries reached each outcome in one stretch of the campaign (by when their row last changed).</summary>
public sealed record TimelineBucket(DateTimeOffset From, DateTimeOffset To, IReadOnlyDictionary<string, int> ByStatus);

/// <summary>Counts of batch parts (a batch has a part per channel).</summary>
public sealed record BatchReport(int Planned, int Done, int Waiting, int Failing, int Poisoned);

/// <summary>
/// Where a campaign is. <see cref="Status"/> says in words what it is doing or waiting for, so a campaign
/// is never "sending" with nothing happening and no reason.
/// </summary>
public sealed record CampaignReport(
    string CampaignId, CampaignState State, string Status, IReadOnlyDictionary<Channel, ChannelReport> Channels, BatchReport Batches,
    IReadOnlyList<PoisonedReport> Poisoned, IReadOnlyDictionary<string, int>? ByMpVote = null, IReadOnlyList<TimelineBucket>? Timeline = null);

/// <summary>One recipient's delivery on one channel.</summary>
public sealed record RecipientStatus(string SupporterId, Channel Channel, DeliveryStatus Status, string? ErrorCode, DateTimeOffset UpdatedAt, string DeliveryId);

/// <summary>What staff see of a campaign once it is under way: where it is, per channel and per recipient.</summary>
internal sealed class CampaignReports(CampaignStore campaigns, BatchStore batches, DeliveryLedger ledger)
{
    public async Task<CampaignReport?> ReportAsync(string id, CancellationToken cancellationToken = default)
    {
        if (await campaigns.GetAsync(id, cancellationToken) is not { } campaign)
        {
            return null;
        }

        IReadOnlyList<CampaignBatch> planned = await batches.ListBatchesAsync(id, cancellationToken);
        IReadOnlyList<Channel> channelList = campaign.ApprovedSegment is { } approved ? campaign.ChannelsFor(approved) : campaign.Content.Channels;
        var byChannel = channelList.ToDictionary(c => c, _ => Enum.GetValues<DeliveryStatus>().ToDictionary(s => s.ToString().ToLowerInvariant(), _ => 0));
        // For a campaign on a division: messages sent (on any channel) by how the recipient's MP voted.
        Dictionary<string, int>? byMpVote = campaign.Content.Bill?.Division is { House: Divisions.DivisionIds.Commons } ? new(StringComparer.Ordinal) : null;
        var byMinute = new SortedDictionary<DateTimeOffset, Dictionary<string, int>>(); // outcomes over time: a row a minute at most
        await foreach (Delivery delivery in ledger.ListAsync(id, cancellationToken))
        {
            if (delivery.Status is not (DeliveryStatus.Sending or DeliveryStatus.Deferred) && delivery.UpdatedAt != default)
            {
                DateTimeOffset minute = new(delivery.UpdatedAt.UtcTicks - (delivery.UpdatedAt.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
                Dictionary<string, int> at = byMinute.TryGetValue(minute, out var counted) ? counted : byMinute[minute] = new(StringComparer.Ordinal);
                string status = delivery.Status.ToString().ToLowerInvariant();
                at[status] = at.GetValueOrDefault(status) + 1;
            }

            if (byChannel.TryGetValue(delivery.Channel, out var counts))
            {
                counts[delivery.Status.ToString().ToLowerInvariant()]++;
            }

            if (byMpVote is not null && delivery.Group is { } group && delivery.Status is not (DeliveryStatus.Failed or DeliveryStatus.Suppressed or DeliveryStatus.Deferred))
            {
                byMpVote[group] = byMpVote.GetValueOrDefault(group) + 1;
            }
        }

        var parts = planned.SelectMany(b => b.Parts.Select(p => (b.BatchNo, Part: p))).ToList();
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
        return new CampaignReport(id, campaign.State, Describe(campaign, channelsReport, batchReport, poisoned), channelsReport, batchReport, poisoned, byMpVote,
            Timeline(byMinute));
    }

    /// <summary>Outcomes by when they were recorded, in at most twelve equal stretches of whole minutes from the first to the last.</summary>
    private static List<TimelineBucket> Timeline(SortedDictionary<DateTimeOffset, Dictionary<string, int>> byMinute)
    {
        if (byMinute.Count == 0)
        {
            return [];
        }

        DateTimeOffset first = byMinute.Keys.First(), end = byMinute.Keys.Last().AddMinutes(1);
        long minutes = (long)(end - first).TotalMinutes;
        TimeSpan width = TimeSpan.FromMinutes(Math.Max(1, (minutes + 11) / 12));
        var buckets = new List<TimelineBucket>();
        for (DateTimeOffset from = first; from < end; from += width)
        {
            DateTimeOffset to = from + width;
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach ((DateTimeOffset minute, Dictionary<string, int> at) in byMinute.Where(m => m.Key >= from && m.Key < to))
            {
                foreach ((string status, int n) in at)
                {
                    counts[status] = counts.GetValueOrDefault(status) + n;
                }
            }

            buckets.Add(new TimelineBucket(from, to, counts));
        }

        return buckets;
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

    /// <summary>One recipient's status on each channel the campaign reached them on; empty if none.</summary>
    public async Task<IReadOnlyList<RecipientStatus>> RecipientAsync(string id, string supporterId, CancellationToken cancellationToken = default)
    {
        var statuses = new List<RecipientStatus>();
        foreach (Channel channel in Enum.GetValues<Channel>())
        {
            if (await ledger.GetAsync(id, channel, supporterId, cancellationToken) is { } delivery)
            {
                statuses.Add(new RecipientStatus(supporterId, channel, delivery.Status, delivery.ErrorCode, delivery.UpdatedAt, delivery.DeliveryId));
            }
        }

        return statuses;
    }
}
