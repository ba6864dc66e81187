using System.Globalization;
using Alerts.Storage;
using Azure;
using Azure.Data.Tables;
using Alerts.Segments;

namespace Alerts.Dispatch;

/// <summary>A sending campaign's planned batches: a row each, with its parts' columns side by side.</summary>
internal sealed class BatchStore(AlertsStorage storage)
{
    private readonly TableClient _batches = storage.Table(Tables.CampaignBatches);

    /// <summary>Writes a batch unless it exists: a replanned batch keeps what was planned first. A part with nobody in it is done.</summary>
    public async Task AddBatchAsync(
        string campaignId, int batchNo, IReadOnlyList<KeyRange> ranges, IEnumerable<(PartKey Key, IReadOnlyList<string> Ids)> parts, CancellationToken cancellationToken = default)
    {
        var row = new TableEntity(campaignId, BatchKey(batchNo)) { ["Ranges"] = KeyRange.Join(ranges) };
        foreach ((PartKey key, IReadOnlyList<string> ids) in parts)
        {
            row[key.Column + "Ids"] = string.Join(',', ids);
            row[key.Column + "Count"] = ids.Count;
            row[key.Column + "State"] = (ids.Count == 0 ? BatchPartState.Done : BatchPartState.Pending).ToString();
        }

        try
        {
            await _batches.AddEntityAsync(row, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
        }
    }

    public async Task<CampaignBatch?> GetBatchAsync(string campaignId, int batchNo, CancellationToken cancellationToken = default)
    {
        NullableResponse<TableEntity> row = await _batches.GetEntityIfExistsAsync<TableEntity>(campaignId, BatchKey(batchNo), cancellationToken: cancellationToken);
        return row.HasValue ? ToBatch(row.Value!, withIds: true) : null;
    }

    /// <summary>Records where one part of a batch is. Merges: the other parts are untouched.</summary>
    public async Task UpdatePartAsync(
        string campaignId, int batchNo, PartKey part, BatchPartState state, int attempts, string? error = null,
        DateTimeOffset? until = null, string? waitingFor = null, CancellationToken cancellationToken = default) =>
        await _batches.UpdateEntityAsync(new TableEntity(campaignId, BatchKey(batchNo))
        {
            [part.Column + "State"] = state.ToString(),
            [part.Column + "Attempts"] = attempts,
            [part.Column + "Error"] = error,
            [part.Column + "Until"] = until,
            [part.Column + "WaitingFor"] = waitingFor,
        }, ETag.All, TableUpdateMode.Merge, cancellationToken);

    /// <summary>Every batch of a campaign, without the supporter ids (a report or completion check needs only states).</summary>
    public async Task<IReadOnlyList<CampaignBatch>> ListBatchesAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        string[] select = ["RowKey", .. PartKey.All.SelectMany(p => PartColumns.Select(column => p.Column + column))];
        var batches = new List<CampaignBatch>();
        await foreach (TableEntity row in _batches.QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {campaignId}"), select: select, cancellationToken: cancellationToken))
        {
            batches.Add(ToBatch(row, withIds: false, campaignId));
        }

        return batches;
    }

    /// <summary>
    /// The number of the first batch from <paramref name="from"/> on with a part not done, reading batch
    /// states a few at a time and stopping there: batches finish roughly in order, so this reads a handful.
    /// <paramref name="planned"/> when every planned batch from there is done.
    /// </summary>
    public async Task<int> FirstNotDoneAsync(string campaignId, int from, int planned, CancellationToken cancellationToken = default)
    {
        string[] select = ["RowKey", .. PartKey.All.Select(p => p.Column + "State")];
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {campaignId} and RowKey ge {BatchKey(from)}");
        int expected = from;
        await foreach (TableEntity row in _batches.QueryAsync<TableEntity>(filter, maxPerPage: 10, select: select, cancellationToken: cancellationToken))
        {
            CampaignBatch batch = ToBatch(row, withIds: false, campaignId);
            if (batch.BatchNo != expected || batch.Parts.Any(p => p.State != BatchPartState.Done))
            {
                return expected; // a gap is a batch not written yet: not done
            }

            expected++;
        }

        return expected >= planned ? planned : expected;
    }

    private static readonly string[] PartColumns = ["Count", "State", "Attempts", "Error", "Until", "WaitingFor"];

    private static string BatchKey(int batchNo) => batchNo.ToString("D7", CultureInfo.InvariantCulture);

    private static CampaignBatch ToBatch(TableEntity row, bool withIds, string? campaignId = null)
    {
        var parts = new List<BatchPart>();
        foreach (PartKey key in PartKey.All)
        {
            string column = key.Column;
            if (row.GetString(column + "State") is not { } state)
            {
                continue; // not a part of this batch
            }

            parts.Add(new BatchPart(
                key,
                withIds && row.GetString(column + "Ids") is { Length: > 0 } ids ? ids.Split(',') : [],
                row.GetInt32(column + "Count") ?? 0,
                Enum.Parse<BatchPartState>(state),
                row.GetInt32(column + "Attempts") ?? 0,
                row.GetString(column + "Error"),
                row.GetDateTimeOffset(column + "Until"),
                row.GetString(column + "WaitingFor")));
        }

        return new CampaignBatch(campaignId ?? row.PartitionKey, int.Parse(row.RowKey, CultureInfo.InvariantCulture),
            withIds ? KeyRange.Split(row.GetString("Ranges")) : [], parts);
    }
}
