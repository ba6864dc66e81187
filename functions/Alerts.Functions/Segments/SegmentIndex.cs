using System.Runtime.CompilerServices;
using Alerts.Storage;
using Alerts.Supporters;
using Azure;
using Azure.Data.Tables;

namespace Alerts.Segments;

/// <summary>One row of the segment index: enough to evaluate a segment without reading the supporter.</summary>
internal sealed record IndexRow(string SupporterId, IReadOnlyList<string> Tags, string? Constituency, bool EmailOk, bool SmsOk)
{
    public bool Allows(Channel channel) => channel == Channel.Email ? EmailOk : SmsOk;
}

/// <summary>
/// The segment index: a partition per tag, per constituency and one for everyone (plus one listing
/// supporters whose constituency look-up is pending), each row carrying what a segment is evaluated on,
/// so a segment reads only the partitions that drive it. Kept in step by <see cref="SupporterStore"/>.
/// </summary>
internal sealed class SegmentIndex(AlertsStorage storage)
{
    public const string AllPartition = "all";

    /// <summary>Supporters whose postcode look-up failed for an outage, for the sweep that retries them.</summary>
    public const string PendingEnrichmentPartition = "enrichment|pending";

    private readonly TableClient _index = storage.Table(Tables.SegmentIndex);

    public static string TagPartition(string tag) => "tag|" + tag;

    public static string ConstituencyPartition(string constituency) => "con|" + constituency.Trim().ToLowerInvariant();

    /// <summary>Every partition the supporter belongs in.</summary>
    public static IEnumerable<string> PartitionsOf(Supporter supporter)
    {
        yield return AllPartition;
        foreach (string tag in supporter.Tags)
        {
            yield return TagPartition(tag);
        }

        if (supporter.Enrichment == EnrichmentStatus.Pending)
        {
            yield return PendingEnrichmentPartition;
        }

        if (supporter.Constituency is { Length: > 0 } constituency)
        {
            yield return ConstituencyPartition(constituency);
        }
    }

    /// <summary>Writes the supporter's row in each partition it belongs in, as the supporter is now.</summary>
    public async Task UpsertAsync(Supporter supporter, CancellationToken cancellationToken = default)
    {
        string tags = string.Join(';', supporter.Tags);
        foreach (string partition in PartitionsOf(supporter))
        {
            await _index.UpsertEntityAsync(new TableEntity(partition, supporter.Id)
            {
                ["Tags"] = tags,
                ["Constituency"] = supporter.Constituency,
                ["EmailOk"] = supporter.CanReceive(Channel.Email),
                ["SmsOk"] = supporter.CanReceive(Channel.Sms),
            }, TableUpdateMode.Replace, cancellationToken);
        }
    }

    public async Task DeleteAsync(string supporterId, IEnumerable<string> partitions, CancellationToken cancellationToken = default)
    {
        foreach (string partition in partitions)
        {
            await _index.DeleteEntityAsync(partition, supporterId, ETag.All, cancellationToken);
        }
    }

    public async IAsyncEnumerable<IndexRow> ReadAsync(string partition, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        await foreach (TableEntity row in _index.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            yield return ToIndexRow(row);
        }
    }

    /// <summary>One page of a partition, and the continuation token for the next (null at the end).</summary>
    public async Task<(IReadOnlyList<IndexRow> Rows, string? Next)> ReadPageAsync(
        string partition, string? continuationToken, int pageSize, CancellationToken cancellationToken = default)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        await foreach (Page<TableEntity> page in _index.QueryAsync<TableEntity>(filter, maxPerPage: pageSize, cancellationToken: cancellationToken)
                           .AsPages(continuationToken, pageSize))
        {
            return (page.Values.Select(ToIndexRow).ToList(), page.ContinuationToken);
        }

        return ([], null);
    }

    private static IndexRow ToIndexRow(TableEntity row) => new(
        row.RowKey,
        SupporterEntity.SplitTags(row.GetString("Tags")),
        row.GetString("Constituency"),
        row.GetBoolean("EmailOk") ?? false,
        row.GetBoolean("SmsOk") ?? false);
}
