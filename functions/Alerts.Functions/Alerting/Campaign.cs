using Alerts.Supporters;

namespace Alerts.Alerting;

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

/// <summary>Email content: a SendGrid dynamic template, or a subject with HTML and text bodies stored here.</summary>
public sealed record EmailContent(string? TemplateId, string? Subject, string? Html, string? Text);

/// <summary>What a campaign says and to whom. Placeholders like <c>{{first_name}}</c> are filled per recipient.</summary>
public sealed record CampaignContent
{
    public string Name { get; init; } = string.Empty;

    public string SegmentId { get; init; } = string.Empty;

    public IReadOnlyList<Channel> Channels { get; init; } = [];

    public EmailContent? Email { get; init; }

    public string? Sms { get; init; }

    /// <summary>Where the alert asks supporters to act (write to their MP, sign, attend).</summary>
    public Uri? ActionLink { get; init; }

    /// <summary>The bill the alert is about: filled from the bill event for campaigns made by a rule.</summary>
    public BillContext? Bill { get; init; }
}

public sealed record BillContext(int BillId, string Title, string? Stage, string? House, DateOnly? SittingDate, string? EventId);

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
    SegmentDefinition? ApprovedSegment = null)
{
    /// <summary>A campaign sends on the channels both it and its (approved) segment name.</summary>
    public IReadOnlyList<Channel> ChannelsFor(SegmentDefinition segment) => [.. Content.Channels.Where(segment.Channels.Contains)];
}

/// <summary>How far planning has got: the next batch number and where to resume reading the segment.</summary>
internal sealed record PlanProgress(int NextBatch, int PartitionIndex, string? ContinuationToken, bool Complete)
{
    public static readonly PlanProgress NotStarted = new(0, 0, null, false);
}

/// <summary>The placeholders every template may use.</summary>
internal static class Placeholders
{
    public static readonly IReadOnlyList<string> All =
    [
        "first_name", "mp_name", "constituency", "bill_title", "stage", "sitting_date", "action_link", "unsubscribe_link", "charity_name",
    ];
}
