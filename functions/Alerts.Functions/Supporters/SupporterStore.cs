using Alerts.Segments;
using Alerts.Storage;
using Azure.Data.Tables;
using Azure;

namespace Alerts.Supporters;

/// <summary>
/// Supporters (a partition each) and their look-ups by keyed hash of email or phone, keeping the segment
/// index in step with every save.
/// </summary>
internal sealed class SupporterStore(AlertsStorage storage, ContactHasher hasher, SegmentIndex index)
{
    private readonly TableClient _supporters = storage.Table(Tables.Supporters);
    private readonly TableClient _lookup = storage.Table(Tables.SupporterLookup);
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
        await index.UpsertAsync(supporter, cancellationToken);

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
            await index.DeleteAsync(supporter.Id, SegmentIndex.PartitionsOf(previous).Except(SegmentIndex.PartitionsOf(supporter)), cancellationToken);
        }

        return true;
    }

    /// <summary>Makes the supporter's index rows match the supporter: the repair path after a crash.</summary>
    public async Task ReindexAsync(Supporter supporter, IEnumerable<string> suspectPartitions, CancellationToken cancellationToken = default)
    {
        await index.UpsertAsync(supporter, cancellationToken);
        await index.DeleteAsync(supporter.Id, suspectPartitions.Except(SegmentIndex.PartitionsOf(supporter)), cancellationToken);
    }

    public async Task DeleteAsync(Supporter supporter, CancellationToken cancellationToken = default)
    {
        await index.DeleteAsync(supporter.Id, SegmentIndex.PartitionsOf(supporter), cancellationToken);
        await SaveLookupAsync(Channel.Email, supporter.Id, null, supporter.Email, cancellationToken);
        await SaveLookupAsync(Channel.Sms, supporter.Id, null, supporter.Phone, cancellationToken);
        await _supporters.DeleteEntityAsync(supporter.Id, SupporterEntity.RowKey(supporter.Id), ETag.All, cancellationToken);
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
