using System.Globalization;
using System.Runtime.CompilerServices;
using Alerts.Storage;
using Alerts.Supporters;
using Azure;
using Azure.Data.Tables;

namespace Alerts.Segments;

/// <summary>
/// The segment index: a partition per tag, per constituency and one for everyone (plus one listing
/// supporters whose constituency look-up is pending), each row carrying what a segment is evaluated on and
/// what a message to that supporter needs, so counting and sending read only the index.
/// <para>
/// The index is split over <see cref="Shards"/> tables by supporter id. A query costs Azurite a scan of
/// its whole table and a sort of every match after the continuation key, so one table made reading a
/// segment quadratic (84 s for 100,000 members); a sixteenth of the rows per table, read a range at a time,
/// keeps it linear. Azure Table Storage serves either layout alike.
/// </para>
/// <para>
/// Eligibility in the index tells the truth or under-states it, never over-states it. A changed supporter
/// is written in two phases around the supporter row (<see cref="SupporterStore.TrySaveAsync"/>):
/// <see cref="LowerAsync"/> first withdraws, in every row, each channel the change could make ineligible,
/// and <see cref="CompleteAsync"/> afterwards writes the supporter's rows as they now are, each only under
/// the ETag the first phase left, so a slow writer never lands on top of a newer one. A crash between the
/// phases leaves the index less eligible than the supporter; <see cref="SupporterStore.ReindexAsync"/> repairs it.
/// </para>
/// </summary>
internal sealed class SegmentIndex(AlertsStorage storage)
{
    public const int Shards = 16;

    public const string AllPartition = "all";

    /// <summary>Supporters whose postcode look-up failed for an outage, for the sweep that retries them.</summary>
    public const string PendingEnrichmentPartition = "enrichment|pending";

    /// <summary>Azure's largest page, and the most a range is read at once.</summary>
    private const int MaxPage = 1000;

    private readonly TableClient[] _shards = [.. Enumerable.Range(0, Shards).Select(s => storage.Table(Tables.SegmentIndexShard(s)))];

    public static string TagPartition(string tag) => "tag|" + tag;

    public static string ConstituencyPartition(string constituency) => "con|" + constituency.Trim().ToLowerInvariant();

    /// <summary>
    /// Which table a supporter's rows are in. Ids are "s" and hex digits of a keyed hash, so their second
    /// character spreads them evenly and keeps each shard one contiguous run of ids.
    /// </summary>
    public static int ShardOf(string supporterId)
    {
        if (supporterId.Length > 1 && char.IsAsciiHexDigitLower(supporterId[1]))
        {
            return int.Parse(supporterId.AsSpan(1, 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }

        uint hash = 2166136261; // FNV-1a, for any other id
        foreach (char c in supporterId)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)(hash % Shards);
    }

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

    /// <summary>
    /// The first phase of changing a supporter (<paramref name="previous"/> to <paramref name="next"/>):
    /// in every row of either, withdraws each channel the change could make ineligible (every channel, in a
    /// row the supporter is leaving), and nothing else. A row it creates is a stub no segment counts.
    /// Never raises anything, so it is safe from any writer at any time.
    /// </summary>
    public async Task<IndexWrite> LowerAsync(Supporter? previous, Supporter next, CancellationToken cancellationToken = default)
    {
        HashSet<string> staying = [.. PartitionsOf(next)];
        var lowered = new Dictionary<string, ETag>();
        string saving = Guid.NewGuid().ToString("N");
        foreach (string partition in staying.Union(previous is null ? [] : PartitionsOf(previous)))
        {
            var row = new TableEntity(partition, next.Id) { ["Saving"] = saving };
            foreach (Channel channel in Enum.GetValues<Channel>())
            {
                bool mayLoseIt = !staying.Contains(partition) || !next.CanReceive(channel) || previous is null
                    || !string.Equals(previous.AddressFor(channel), next.AddressFor(channel), StringComparison.Ordinal);
                if (mayLoseIt)
                {
                    row[channel + "Ok"] = false;
                    row[channel + "Why"] = next.WhyNot(channel) ?? "updating";
                }
            }

            Response response = await Table(next.Id).UpsertEntityAsync(row, TableUpdateMode.Merge, cancellationToken);
            lowered[partition] = response.Headers.ETag ?? ETag.All;
        }

        return new IndexWrite(next.Id, lowered);
    }

    /// <summary>
    /// The second phase: writes the supporter's rows as it now is and removes the rows of partitions it
    /// left, each only under the ETag <see cref="LowerAsync"/> left. A row written since by anyone else is
    /// theirs: a newer change, or one whose own second phase will follow (or a repair will).
    /// </summary>
    public async Task CompleteAsync(IndexWrite write, Supporter supporter, CancellationToken cancellationToken = default)
    {
        TableClient table = Table(supporter.Id);
        HashSet<string> partitions = [.. PartitionsOf(supporter)];
        foreach ((string partition, ETag etag) in write.Rows)
        {
            try
            {
                if (partitions.Contains(partition))
                {
                    await table.UpdateEntityAsync(ToEntity(partition, supporter), etag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await table.DeleteEntityAsync(partition, supporter.Id, etag, cancellationToken);
                }
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
            }
        }
    }

    /// <summary>
    /// Indexes a supporter just created. Its rows cannot hold anything of its own yet, so each is added
    /// only if absent: a row already there was written by a change made since, which is newer.
    /// </summary>
    public async Task AddAsync(Supporter supporter, CancellationToken cancellationToken = default)
    {
        TableClient table = Table(supporter.Id);
        foreach (string partition in PartitionsOf(supporter))
        {
            try
            {
                await table.AddEntityAsync(ToEntity(partition, supporter), cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
            }
        }
    }

    /// <summary>Removes the supporter's rows from these partitions, whatever they hold: erasure, and rows a crash left behind.</summary>
    public async Task DeleteAsync(string supporterId, IEnumerable<string> partitions, CancellationToken cancellationToken = default)
    {
        foreach (string partition in partitions)
        {
            await Table(supporterId).DeleteEntityAsync(partition, supporterId, ETag.All, cancellationToken);
        }
    }

    /// <summary>
    /// The columns a segment is evaluated on (and the MP, by whose vote a follow-up may be narrowed), without
    /// what a message needs: enough to plan or count.
    /// </summary>
    private static readonly string[] SegmentColumns = ["RowKey", "Tags", "Constituency", "EmailOk", "SmsOk", "MpMemberId"];

    /// <summary>
    /// Up to <paramref name="max"/> rows of one partition in one shard, in id order: after <paramref name="after"/>
    /// and up to <paramref name="through"/> (each null for an open end). One request per thousand rows.
    /// With <paramref name="whole"/> false, only what a segment is evaluated on (about half the bytes).
    /// </summary>
    public async Task<IReadOnlyList<IndexRow>> ReadRangeAsync(
        int shard, string partition, string? after, string? through, int max, bool whole = true, CancellationToken cancellationToken = default)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}")
            + (after is null ? "" : " and " + TableClient.CreateQueryFilter($"RowKey gt {after}"))
            + (through is null ? "" : " and " + TableClient.CreateQueryFilter($"RowKey le {through}"));
        var rows = new List<IndexRow>();
        string? continuation = null;
        do
        {
            int pageSize = Math.Min(MaxPage, max - rows.Count);
            Page<TableEntity>? page = await _shards[shard].QueryAsync<TableEntity>(filter, maxPerPage: pageSize, select: whole ? null : SegmentColumns, cancellationToken: cancellationToken)
                .AsPages(continuation, pageSize).FirstOrDefaultAsync(cancellationToken);
            if (page is null)
            {
                break;
            }

            rows.AddRange(page.Values.Take(max - rows.Count).Select(ToIndexRow));
            continuation = page.ContinuationToken;
        }
        while (continuation is not null && rows.Count < max);

        return rows;
    }

    /// <summary>Every row of a partition, shard by shard.</summary>
    public async IAsyncEnumerable<IndexRow> ReadAsync(string partition, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        foreach (TableClient shard in _shards)
        {
            await foreach (TableEntity row in shard.QueryAsync<TableEntity>(filter, maxPerPage: MaxPage, cancellationToken: cancellationToken))
            {
                yield return ToIndexRow(row);
            }
        }
    }

    private TableClient Table(string supporterId) => _shards[ShardOf(supporterId)];

    private static TableEntity ToEntity(string partition, Supporter supporter) => new(partition, supporter.Id)
    {
        ["Tags"] = string.Join(';', supporter.Tags),
        ["Constituency"] = supporter.Constituency,
        ["EmailOk"] = supporter.CanReceive(Channel.Email),
        ["SmsOk"] = supporter.CanReceive(Channel.Sms),
        ["EmailWhy"] = supporter.WhyNot(Channel.Email),
        ["SmsWhy"] = supporter.WhyNot(Channel.Sms),
        ["Email"] = supporter.Email,
        ["Phone"] = supporter.Phone,
        ["FirstName"] = supporter.FirstName,
        ["MpName"] = supporter.MpName,
        ["MpMemberId"] = supporter.MpMemberId,
    };

    private static IndexRow ToIndexRow(TableEntity row) => new(
        row.RowKey,
        SupporterEntity.SplitTags(row.GetString("Tags")),
        row.GetString("Constituency"),
        row.GetBoolean("EmailOk") ?? false,
        row.GetBoolean("SmsOk") ?? false,
        row.GetString("Email"),
        row.GetString("Phone"),
        row.GetString("FirstName"),
        row.GetString("MpName"),
        row.GetInt32("MpMemberId"),
        row.GetString("EmailWhy"),
        row.GetString("SmsWhy"));
}
