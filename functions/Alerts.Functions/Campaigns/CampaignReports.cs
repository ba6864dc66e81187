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

/// <summary>Counts of batch parts (a batch has a part per channel).</summary>
public sealed record BatchReport(int Planned, int Done, int Waiting, int Failing, int Poisoned);

/// <summary>
/// Where a campaign is. <see cref="Status"/> says in words what it is doing or waiting for, so a campaign
/// is never "sending" with nothing happening and no reason.
/// </summary>
public sealed record CampaignReport(
    string CampaignId, CampaignState State, string Status, IReadOnlyDictionary<Channel, ChannelReport> Channels, BatchReport Batches,
    IReadOnlyList<PoisonedReport> Poisoned);
