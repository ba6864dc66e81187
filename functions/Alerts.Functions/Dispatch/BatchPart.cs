using Alerts.Supporters;

namespace Alerts.Dispatch;

/// <summary>One part of a batch (a channel, or a lane of one): who it was planned for, and how far it has got.</summary>
internal sealed record BatchPart(
    PartKey Key, IReadOnlyList<string> SupporterIds, int Count, BatchPartState State, int Attempts, string? Error, DateTimeOffset? Until, string? WaitingFor)
{
    public Channel Channel => Key.Channel;
}
