using System.Runtime.CompilerServices;
using Alerts.Supporters;

namespace Alerts.Segments;

public sealed record SegmentCounts(IReadOnlyDictionary<Channel, int> Channels, int Members, IReadOnlyList<string> SampleSupporterIds);

/// <summary>
/// Evaluates a segment against the index, reading only the partitions that drive it (the tags it asks
/// for, else its constituencies, else everyone), one row at a time, so memory stays flat.
/// </summary>
internal sealed class SegmentEvaluator(SegmentIndex index)
{
    public const int SampleSize = 5;

    public async IAsyncEnumerable<IndexRow> MembersAsync(SegmentDefinition segment, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (SegmentCursor? cursor = new(0, null); cursor is not null;)
        {
            SegmentPage page = await ReadPageAsync(segment, cursor, 1000, cancellationToken);
            foreach (IndexRow row in page.Members)
            {
                yield return row;
            }

            cursor = page.Next;
        }
    }

    /// <summary>
    /// One page (at most <paramref name="pageSize"/> index rows read) of a segment's members, and where the
    /// next page starts (null when done). Planning a campaign resumes from the cursor after a crash.
    /// </summary>
    public async Task<SegmentPage> ReadPageAsync(SegmentDefinition segment, SegmentCursor cursor, int pageSize, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> driving = DrivingPartitions(segment);
        int i = cursor.PartitionIndex;
        if (i >= driving.Count)
        {
            return new SegmentPage([], null);
        }

        var constituencies = segment.Constituencies.Select(c => c.Trim().ToLowerInvariant()).ToHashSet();
        (IReadOnlyList<IndexRow> rows, string? next) = await index.ReadPageAsync(driving[i], cursor.ContinuationToken, pageSize, cancellationToken);
        var members = rows
            // With several "any" tags, a supporter is read from the first of its tags only: no set of seen ids needed.
            .Where(row => !(segment.TagsAny.Count > 0 && segment.TagsAny.Take(i).Any(row.Tags.Contains)))
            .Where(row => Matches(segment, constituencies, row))
            .ToList();
        return new SegmentPage(members, next is not null ? new SegmentCursor(i, next) : i + 1 < driving.Count ? new SegmentCursor(i + 1, null) : null);
    }

    /// <summary>The index partitions a segment is read from: its "any" tags, else its first "all" tag, else its constituencies, else everyone.</summary>
    public static IReadOnlyList<string> DrivingPartitions(SegmentDefinition segment) =>
        segment.TagsAny.Count > 0 ? [.. segment.TagsAny.Select(SegmentIndex.TagPartition)]
        : segment.TagsAll.Count > 0 ? [SegmentIndex.TagPartition(segment.TagsAll[0])]
        : segment.Constituencies.Count > 0 ? [.. segment.Constituencies.Select(c => c.Trim().ToLowerInvariant()).Distinct().Select(SegmentIndex.ConstituencyPartition)]
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
        (segment.TagsAny.Count == 0 || segment.TagsAny.Any(row.Tags.Contains))
        && segment.TagsAll.All(row.Tags.Contains)
        && !segment.ExcludeTags.Any(row.Tags.Contains)
        && (constituencies.Count == 0 || (row.Constituency is { } c && constituencies.Contains(c.Trim().ToLowerInvariant())))
        && segment.Channels.Any(row.Allows);
}
