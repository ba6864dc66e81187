using System.Runtime.CompilerServices;
using Alerts.Segments;
using Alerts.Storage;
using Azure.Data.Tables;
using Azure;

namespace Alerts.Supporters;

/// <summary>
/// Supporters (partition per supporter), look-ups by keyed hash of email or phone, the segment index
/// (a partition per tag, per constituency, and one for everyone, plus one listing supporters whose
/// constituency look-up is pending) and the suppression list.
/// </summary>
internal sealed class SupporterStore(AlertsStorage storage, ContactHasher hasher, Audit.AuditLog audit, Audit.AuditActor actor)
{
    public const string AllPartition = "all";

    /// <summary>Supporters whose postcode look-up failed for an outage, for the sweep that retries them.</summary>
    public const string PendingEnrichmentPartition = "enrichment|pending";

    private readonly TableClient _supporters = storage.Table(Tables.Supporters);
    private readonly TableClient _lookup = storage.Table(Tables.SupporterLookup);
    private readonly TableClient _index = storage.Table(Tables.SegmentIndex);
    private readonly TableClient _suppressions = storage.Table(Tables.Suppressions);

    public static string TagPartition(string tag) => "tag|" + tag;

    public static string ConstituencyPartition(string constituency) => "con|" + constituency.Trim().ToLowerInvariant();

    public async Task<(Supporter Supporter, ETag ETag)?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!TableKeys.IsId(id))
        {
            return null;
        }

        NullableResponse<TableEntity> row = await _supporters.GetEntityIfExistsAsync<TableEntity>(id, SupporterEntity.RowKey(id), cancellationToken: cancellationToken);
        return row.HasValue ? (SupporterEntity.ToSupporter(row.Value!), row.Value!.ETag) : null;
    }

    public async Task<string?> FindIdAsync(Channel channel, string normalisedAddress, CancellationToken cancellationToken = default)
    {
        NullableResponse<TableEntity> row = await _lookup.GetEntityIfExistsAsync<TableEntity>(
            channel.ToString(), hasher.Hash(channel, normalisedAddress), ["SupporterId"], cancellationToken);
        return row.HasValue ? row.Value!.GetString("SupporterId") : null;
    }

    /// <summary>
    /// Writes a new or changed supporter. Order matters: new index rows first, then the supporter (under its
    /// ETag), then look-ups, then stale index rows. A crash part way leaves the index a superset of the truth,
    /// which is safe because every send re-reads the supporter; <see cref="ReindexAsync"/> repairs it.
    /// </summary>
    public async Task<bool> TrySaveAsync(Supporter supporter, Supporter? previous, ETag previousETag, CancellationToken cancellationToken = default)
    {
        await UpsertIndexAsync(supporter, cancellationToken);

        TableEntity row = SupporterEntity.From(supporter);
        try
        {
            if (previous is null)
            {
                await _supporters.AddEntityAsync(row, cancellationToken);
            }
            else
            {
                await _supporters.UpdateEntityAsync(row, previousETag, TableUpdateMode.Replace, cancellationToken);
            }
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }

        await SaveLookupAsync(Channel.Email, supporter.Id, supporter.Email, previous?.Email, cancellationToken);
        await SaveLookupAsync(Channel.Sms, supporter.Id, supporter.Phone, previous?.Phone, cancellationToken);
        if (previous is not null)
        {
            await DeleteIndexRowsAsync(supporter.Id, IndexPartitions(previous).Except(IndexPartitions(supporter)), cancellationToken);
        }

        return true;
    }

    /// <summary>Makes the supporter's index rows match the supporter: the repair path after a crash.</summary>
    public async Task ReindexAsync(Supporter supporter, IEnumerable<string> suspectPartitions, CancellationToken cancellationToken = default)
    {
        await UpsertIndexAsync(supporter, cancellationToken);
        await DeleteIndexRowsAsync(supporter.Id, suspectPartitions.Except(IndexPartitions(supporter)), cancellationToken);
    }

    /// <summary>Drops one index row the supporter no longer belongs in.</summary>
    public Task DeleteIndexRowAsync(string partition, string supporterId, CancellationToken cancellationToken = default) =>
        DeleteIndexRowsAsync(supporterId, [partition], cancellationToken);

    public async Task DeleteAsync(Supporter supporter, CancellationToken cancellationToken = default)
    {
        await DeleteIndexRowsAsync(supporter.Id, IndexPartitions(supporter), cancellationToken);
        await SaveLookupAsync(Channel.Email, supporter.Id, null, supporter.Email, cancellationToken);
        await SaveLookupAsync(Channel.Sms, supporter.Id, null, supporter.Phone, cancellationToken);
        await _supporters.DeleteEntityAsync(supporter.Id, SupporterEntity.RowKey(supporter.Id), ETag.All, cancellationToken);
    }

    public async IAsyncEnumerable<IndexRow> ReadIndexAsync(string partition, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        await foreach (TableEntity row in _index.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            yield return ToIndexRow(row);
        }
    }

    /// <summary>One page of an index partition, and the continuation token for the next (null at the end).</summary>
    public async Task<(IReadOnlyList<IndexRow> Rows, string? Next)> ReadIndexPageAsync(
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

    public async Task<Suppression?> FindSuppressionAsync(Channel channel, string address, CancellationToken cancellationToken = default) =>
        await FindSuppressionByHashAsync(channel, hasher.Hash(channel, address), cancellationToken);

    public async Task<Suppression?> FindSuppressionByHashAsync(Channel channel, string hash, CancellationToken cancellationToken = default)
    {
        NullableResponse<TableEntity> row = await _suppressions.GetEntityIfExistsAsync<TableEntity>(channel.ToString(), hash, cancellationToken: cancellationToken);
        return row.HasValue
            ? new Suppression(channel, row.Value!.GetString("Reason") ?? "", row.Value.GetString("Source") ?? "", row.Value.GetDateTimeOffset("At") ?? default)
            : null;
    }

    /// <summary>Adds the address to the suppression list; the first reason recorded is kept.</summary>
    public async Task<bool> SuppressAsync(Channel channel, string address, string reason, string source, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        string hash = hasher.Hash(channel, address);
        try
        {
            await _suppressions.AddEntityAsync(new TableEntity(channel.ToString(), hash)
            {
                ["Reason"] = reason,
                ["Source"] = source,
                ["At"] = at,
            }, cancellationToken);
            await audit.RecordAsync(actor.For(source), "Suppressed", "suppression", $"{channel}:{hash[..16]}", $"{reason} ({source})", cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    public async Task<bool> LiftSuppressionAsync(Channel channel, string address, string source, CancellationToken cancellationToken = default)
    {
        string hash = hasher.Hash(channel, address);
        Response response = await _suppressions.DeleteEntityAsync(channel.ToString(), hash, ETag.All, cancellationToken);
        if (response.Status == 404)
        {
            return false;
        }

        await audit.RecordAsync(actor.For(source), "SuppressionLifted", "suppression", $"{channel}:{hash[..16]}", source, cancellationToken);
        return true;
    }

    public static IEnumerable<string> IndexPartitions(Supporter supporter)
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

    private async Task UpsertIndexAsync(Supporter supporter, CancellationToken cancellationToken)
    {
        string tags = string.Join(';', supporter.Tags);
        foreach (string partition in IndexPartitions(supporter))
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

    private async Task DeleteIndexRowsAsync(string supporterId, IEnumerable<string> partitions, CancellationToken cancellationToken)
    {
        foreach (string partition in partitions)
        {
            await _index.DeleteEntityAsync(partition, supporterId, ETag.All, cancellationToken);
        }
    }

    private async Task SaveLookupAsync(Channel channel, string supporterId, string? address, string? previousAddress, CancellationToken cancellationToken)
    {
        if (previousAddress is not null && !string.Equals(previousAddress, address, StringComparison.OrdinalIgnoreCase))
        {
            // Only remove a look-up that still points at this supporter.
            string previousHash = hasher.Hash(channel, previousAddress);
            NullableResponse<TableEntity> existing = await _lookup.GetEntityIfExistsAsync<TableEntity>(channel.ToString(), previousHash, cancellationToken: cancellationToken);
            if (existing.HasValue && existing.Value!.GetString("SupporterId") == supporterId)
            {
                await _lookup.DeleteEntityAsync(channel.ToString(), previousHash, existing.Value.ETag, cancellationToken);
            }
        }

        if (address is not null)
        {
            await _lookup.UpsertEntityAsync(new TableEntity(channel.ToString(), hasher.Hash(channel, address)) { ["SupporterId"] = supporterId },
                TableUpdateMode.Replace, cancellationToken);
        }
    }
}
