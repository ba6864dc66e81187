using System.Runtime.CompilerServices;
using Alerts.Supporters;

namespace Alerts.Segments;

public sealed record SegmentCounts(IReadOnlyDictionary<Channel, int> Channels, int Members, IReadOnlyList<string> SampleSupporterIds);

/// <summary>
/// Evaluates a segment against the index, reading only the partitions that drive it (the tags it asks
/// for, else its constituencies, else everyone), a page at a time, so memory stays flat.
/// <para>
/// A page is a run of supporter ids, read from every driving partition at once and merged, so each
/// supporter is in exactly one page however many of its partitions drive the segment, and whatever
/// changes while a campaign is planned. A page's <see cref="KeyRange"/>s can be read again, whole, later:
/// that is how a planned batch is sent with consent as it is at send time.
/// </para>
/// </summary>
internal sealed class SegmentEvaluator(SegmentIndex index)
{
    public const int SampleSize = 5;

    public async IAsyncEnumerable<IndexRow> MembersAsync(SegmentDefinition segment, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (SegmentCursor? cursor = SegmentCursor.Start; cursor is not null;)
        {
            SegmentPage page = await ReadPageAsync(segment, cursor, 1000, cancellationToken: cancellationToken);
            foreach (IndexRow row in page.Members)
            {
                yield return row;
            }

            cursor = page.Next;
        }
    }

    /// <summary>
    /// Up to <paramref name="pageSize"/> members of a segment from <paramref name="cursor"/> on, in id order
    /// shard by shard, the key ranges they came from, and where the next page starts (null when done).
    /// Planning a campaign resumes from the cursor after a crash. With <paramref name="whole"/> false, rows
    /// carry only what the segment is evaluated on: enough to plan, not to send.
    /// </summary>
    public async Task<SegmentPage> ReadPageAsync(SegmentDefinition segment, SegmentCursor cursor, int pageSize, bool whole = true, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> driving = DrivingPartitions(segment);
        HashSet<string> constituencies = Constituencies(segment);
        var members = new List<IndexRow>();
        var ranges = new List<KeyRange>();
        (int shard, string? after) = (cursor.Shard, cursor.After);
        while (shard < SegmentIndex.Shards && members.Count < pageSize)
        {
            int need = pageSize - members.Count;
            var reads = new List<IReadOnlyList<IndexRow>>(driving.Count);
            foreach (string partition in driving)
            {
                reads.Add(await index.ReadRangeAsync(shard, partition, after, null, need, whole, cancellationToken));
            }

            // Every partition has given all its rows up to the lowest last id among those that may have more.
            string? through = reads.Where(r => r.Count == need).Select(r => r[^1].SupporterId).Min(StringComparer.Ordinal);
            List<IndexRow> found = [.. reads.SelectMany(r => r)
                .Where(r => through is null || string.CompareOrdinal(r.SupporterId, through) <= 0)
                .DistinctBy(r => r.SupporterId)
                .Where(r => Matches(segment, constituencies, r))
                .OrderBy(r => r.SupporterId, StringComparer.Ordinal)];
            if (found.Count > need)
            {
                found.RemoveRange(need, found.Count - need);
                through = found[^1].SupporterId;
            }

            if (found.Count > 0)
            {
                members.AddRange(found);
                ranges.Add(new KeyRange(shard, after, through));
            }

            (shard, after) = through is null ? (shard + 1, null) : (shard, through);
        }

        return new SegmentPage(members, ranges, shard < SegmentIndex.Shards ? new SegmentCursor(shard, after) : null);
    }

    /// <summary>
    /// The supporters in the given key ranges whose tags and constituency put them in the segment, as the
    /// index says now, whatever their consent (the caller asks each row about its channel): what a planned
    /// batch reads when it is sent. One query per range and driving partition.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IndexRow>> ReadRangesAsync(SegmentDefinition segment, IReadOnlyList<KeyRange> ranges, CancellationToken cancellationToken = default)
    {
        HashSet<string> constituencies = Constituencies(segment);
        var members = new Dictionary<string, IndexRow>(StringComparer.Ordinal);
        foreach (KeyRange range in ranges)
        {
            foreach (string partition in DrivingPartitions(segment))
            {
                foreach (IndexRow row in await index.ReadRangeAsync(range.Shard, partition, range.After, range.Through, int.MaxValue, cancellationToken: cancellationToken))
                {
                    if (InSegment(segment, constituencies, row))
                    {
                        members.TryAdd(row.SupporterId, row);
                    }
                }
            }
        }

        return members;
    }

    /// <summary>The index partitions a segment is read from: its "any" tags, else its first "all" tag, else its constituencies, else everyone.</summary>
    public static IReadOnlyList<string> DrivingPartitions(SegmentDefinition segment) =>
        segment.TagsAny.Count > 0 ? [.. segment.TagsAny.Distinct().Select(SegmentIndex.TagPartition)]
        : segment.TagsAll.Count > 0 ? [SegmentIndex.TagPartition(segment.TagsAll[0])]
        : segment.Constituencies.Count > 0 ? [.. Constituencies(segment).Select(SegmentIndex.ConstituencyPartition)]
        : [SegmentIndex.AllPartition];

    public async Task<SegmentCounts> CountAsync(SegmentDefinition segment, CancellationToken cancellationToken = default)
    {
        var counts = segment.Channels.ToDictionary(c => c, _ => 0);
        var sample = new List<string>();
        int members = 0;
        await foreach (IndexRow row in MembersAsync(segment, cancellationToken))
        {
            members++;
            foreach (Channel channel in segment.Channels.Where(row.Allows))
            {
                counts[channel]++;
            }

            if (sample.Count < SampleSize)
            {
                sample.Add(row.SupporterId);
            }
        }

        return new SegmentCounts(counts, members, sample);
    }

    /// <summary>Whether a supporter, as its index row describes it, belongs to the segment on some channel.</summary>
    public static bool Matches(SegmentDefinition segment, IReadOnlySet<string> constituencies, IndexRow row) =>
        InSegment(segment, constituencies, row) && segment.Channels.Any(row.Allows);

    /// <summary>Whether the supporter's tags and constituency put them in the segment, whatever their consent.</summary>
    private static bool InSegment(SegmentDefinition segment, IReadOnlySet<string> constituencies, IndexRow row) =>
        (segment.TagsAny.Count == 0 || segment.TagsAny.Any(row.Tags.Contains))
        && segment.TagsAll.All(row.Tags.Contains)
        && !segment.ExcludeTags.Any(row.Tags.Contains)
        && (constituencies.Count == 0 || (row.Constituency is { } c && constituencies.Contains(c.Trim().ToLowerInvariant())));

    private static HashSet<string> Constituencies(SegmentDefinition segment) =>
        [.. segment.Constituencies.Select(c => c.Trim().ToLowerInvariant())];
}
