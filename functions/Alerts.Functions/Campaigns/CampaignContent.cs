using Alerts.Supporters;

namespace Alerts.Campaigns;

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

    /// <summary>
    /// For a follow-up on a Commons division: only supporters whose MP voted one of these ways (empty: all).
    /// Applied when the campaign is planned and again when each batch is sent, as the segment is.
    /// </summary>
    public IReadOnlyList<Divisions.MpVote> MpVoted { get; init; } = [];

    /// <summary>Whether a supporter whose MP voted this way is in the campaign's audience.</summary>
    internal bool ReachesMpWho(Divisions.MpVote vote) => MpVoted.Count == 0 || MpVoted.Contains(vote);
}

/// <summary>The bill an alert is about; <see cref="Division"/> is the vote it follows up, for campaigns made from a confirmed division.</summary>
public sealed record BillContext(int BillId, string Title, string? Stage, string? House, DateOnly? SittingDate, string? EventId, Divisions.DivisionContext? Division = null);
