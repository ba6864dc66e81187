using Alerts.Messages;
using Alerts.Supporters;

namespace Alerts.Dispatch;

/// <summary>Where one channel's part of a batch is.</summary>
public enum BatchPartState
{
    /// <summary>Its message is on the queue (or being handled).</summary>
    Pending,

    /// <summary>Put back on the queue until <see cref="BatchPart.Until"/>: quiet hours, or a provider that asked us to wait.</summary>
    Waiting,

    Done,

    /// <summary>Failed on every attempt the queue allows: it waits for staff to retry it.</summary>
    Poisoned,
}

/// <summary>One channel's part of a batch: who it was planned for, and how far it has got.</summary>
internal sealed record BatchPart(
    Channel Channel, IReadOnlyList<string> SupporterIds, int Count, BatchPartState State, int Attempts, string? Error, DateTimeOffset? Until, string? WaitingFor);

/// <summary>
/// One planned batch: up to <see cref="AlertingOptions.BatchSize"/> supporters, with a part per channel
/// holding the supporters eligible on it when planned. Each part has its own queue message, so one
/// channel's outage never holds up the other.
/// </summary>
internal sealed record CampaignBatch(string CampaignId, int BatchNo, IReadOnlyDictionary<Channel, BatchPart> Parts);
