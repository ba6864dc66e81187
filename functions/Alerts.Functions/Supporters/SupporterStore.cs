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
    /// Writes a new or changed supporter, keeping its index rows from ever saying more than it does.
    /// A change: first lower the index (every channel the change could take away), then the supporter row
    /// under its ETag, then look-ups, then the index rows as the supporter now is (each under the ETag the
    /// first step left, so a slower save never overwrites a newer one). A new supporter: the row first (an
    /// insert, which fails if the id exists), then look-ups, then its index rows. A crash at any point
    /// leaves the index saying less than the supporter row, never more; <see cref="ReindexAsync"/> repairs it.
    /// </summary>
    public async Task<bool> TrySaveAsync(Supporter supporter, Supporter? previous, ETag previousETag, CancellationToken cancellationToken = default)
    {
        IndexWrite? lowered = previous is null ? null : await index.LowerAsync(previous, supporter, cancellationToken);

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
        catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            return false; // another save won (or an erasure): the index rows are lowered at most, and theirs follow
        }

        await SaveLookupAsync(Channel.Email, supporter.Id, supporter.Email, previous?.Email, cancellationToken);
        await SaveLookupAsync(Channel.Sms, supporter.Id, supporter.Phone, previous?.Phone, cancellationToken);
        if (lowered is null)
        {
            await index.AddAsync(supporter, cancellationToken);
        }
        else
        {
            await index.CompleteAsync(lowered, supporter, cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// Makes the supporter's index rows match the supporter row: the repair after a crash between the
    /// phases of a save. Lowers nothing, but takes each row's ETag first, and writes only if the supporter
    /// did not change meanwhile (a save that did writes its own rows). False when there is no such supporter.
    /// </summary>
    public async Task<bool> ReindexAsync(string id, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(id, cancellationToken) is not { } found)
        {
            return false;
        }

        IndexWrite taken = await index.LowerAsync(found.Supporter, found.Supporter, cancellationToken);
        if (await GetAsync(id, cancellationToken) is { } again && again.ETag == found.ETag)
        {
            await index.CompleteAsync(taken, found.Supporter, cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// Erases the supporter's rows: index rows (again: the caller removes them first, before anything else
    /// it does, and a save may have added stubs since), look-ups, and last the supporter row, only under
    /// <paramref name="etag"/>. False if the supporter changed since it was read (the caller reads it again
    /// and retries), so no save can put index rows back behind the erasure.
    /// </summary>
    public async Task<bool> TryDeleteAsync(Supporter supporter, ETag etag, CancellationToken cancellationToken = default)
    {
        await index.DeleteAsync(supporter.Id, SegmentIndex.PartitionsOf(supporter), cancellationToken);
        await SaveLookupAsync(Channel.Email, supporter.Id, null, supporter.Email, cancellationToken);
        await SaveLookupAsync(Channel.Sms, supporter.Id, null, supporter.Phone, cancellationToken);
        try
        {
            await _supporters.DeleteEntityAsync(supporter.Id, SupporterEntity.RowKey(supporter.Id), etag, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return ex.Status == 404;
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
