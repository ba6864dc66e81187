using Alerts.Storage;
using Azure;
using Azure.Data.Tables;

namespace Alerts.Supporters;

/// <summary>Where reading a segment got to: which driving partition, and the table's continuation token in it.</summary>
public sealed record SegmentCursor(int PartitionIndex, string? ContinuationToken);

internal sealed record SegmentPage(IReadOnlyList<IndexRow> Members, SegmentCursor? Next);

internal static class SegmentPaging
{
    /// <summary>
    /// One page (at most <paramref name="pageSize"/> index rows read) of a segment's members, and where the
    /// next page starts (null when done). Planning a campaign resumes from the cursor after a crash.
    /// </summary>
    public static async Task<SegmentPage> ReadPageAsync(
        this SegmentEvaluator evaluator, AlertsStorage storage, SegmentDefinition segment, SegmentCursor cursor, int pageSize, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> driving = SegmentEvaluator.DrivingPartitions(segment);
        var constituencies = segment.Constituencies.Select(c => c.Trim().ToLowerInvariant()).ToHashSet();
        TableClient index = storage.Table(Tables.SegmentIndex);
        int i = cursor.PartitionIndex;
        if (i >= driving.Count)
        {
            return new SegmentPage([], null);
        }

        await foreach (Page<TableEntity> page in index.QueryAsync<TableEntity>(
                               TableClient.CreateQueryFilter($"PartitionKey eq {driving[i]}"), maxPerPage: pageSize, cancellationToken: cancellationToken)
                           .AsPages(cursor.ContinuationToken, pageSize))
        {
            var members = page.Values.Select(SupporterStore.ToIndexRow)
                .Where(row => !(segment.TagsAny.Count > 0 && segment.TagsAny.Take(i).Any(row.Tags.Contains)))
                .Where(row => SegmentEvaluator.Matches(segment, constituencies, row))
                .ToList();
            SegmentCursor? next = page.ContinuationToken is { } token ? new SegmentCursor(i, token)
                : i + 1 < driving.Count ? new SegmentCursor(i + 1, null)
                : null;
            return new SegmentPage(members, next);
        }

        return new SegmentPage([], i + 1 < driving.Count ? new SegmentCursor(i + 1, null) : null);
    }
}
