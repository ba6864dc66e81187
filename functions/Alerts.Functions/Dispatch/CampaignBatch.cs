using Alerts.Segments;
using Alerts.Supporters;

namespace Alerts.Dispatch;

/// <summary>
/// One planned batch: up to <see cref="Messages.AlertingOptions.BatchSize"/> supporters, the segment index's
/// key ranges they were read from (read again when a part is sent), and its parts: one per channel (SMS split
/// into lanes when large), each holding the supporters eligible on it when planned. Each part has its own
/// queue message, so one channel's outage never holds up the other.
/// </summary>
internal sealed record CampaignBatch(string CampaignId, int BatchNo, IReadOnlyList<KeyRange> Ranges, IReadOnlyList<BatchPart> Parts)
{
    public BatchPart? Part(PartKey key) => Parts.FirstOrDefault(p => p.Key == key);

    public IEnumerable<BatchPart> PartsOf(Channel channel) => Parts.Where(p => p.Channel == channel);
}
