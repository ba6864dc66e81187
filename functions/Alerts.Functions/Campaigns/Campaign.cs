using Alerts.Segments;
using Alerts.Supporters;

namespace Alerts.Campaigns;

public enum CampaignState
{
    Draft,
    Approved,
    Scheduled,
    Sending,
    Completed,
    Cancelled,
    Failed,
}

/// <summary>
/// A campaign and where it is. <c>ApprovedSegment</c> is the segment as it was when the campaign was
/// approved: what was approved is what is sent, whatever is done to the segment afterwards (invariant 10).
/// </summary>
internal sealed record Campaign(
    string Id,
    CampaignContent Content,
    CampaignState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ScheduledAt,
    string? ApprovedBy,
    string? RuleId,
    PlanProgress Plan,
    Azure.ETag ETag,
    SegmentDefinition? ApprovedSegment = null,
    string? DraftedBy = null)
{
    /// <summary>A campaign sends on the channels both it and its (approved) segment name.</summary>
    public IReadOnlyList<Channel> ChannelsFor(SegmentDefinition segment) => [.. Content.Channels.Where(segment.Channels.Contains)];
}

/// <summary>
/// How far planning has got: the next batch number, where to resume reading the segment (the index shard
/// and the last supporter id read in it), and how many batches from the first are known to be done.
/// </summary>
internal sealed record PlanProgress(int NextBatch, int Shard, string? After, bool Complete, int DoneBelow = 0)
{
    public static readonly PlanProgress NotStarted = new(0, 0, null, false);
}
