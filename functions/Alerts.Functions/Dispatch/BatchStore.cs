using System.Globalization;
using Alerts.Storage;
using Azure;
using Azure.Data.Tables;
using Alerts.Segments;
using Alerts.Supporters;

namespace Alerts.Dispatch;

/// <summary>Where one channel's part of a batch is.</summary>
public enum BatchPartState
{
    /// <summary>Its message is on the queue (or being handled).</summary>
    Pending,

    /// <summary>Put back on the queue until <see cref="BatchPart.Until"/>: quiet hours, or a provider that asked us to wait.</summary>
    Waiting,

    Done,

    /// <summary>Failed on every attempt the queue allows: it waits for staff to retry it.</summary>
    Poisoned,
}

/// <summary>One channel's part of a batch: who it was planned for, and how far it has got.</summary>
internal sealed record BatchPart(
    Channel Channel, IReadOnlyList<string> SupporterIds, int Count, BatchPartState State, int Attempts, string? Error, DateTimeOffset? Until, string? WaitingFor);

/// <summary>
/// One planned batch: up to <see cref="Messages.AlertingOptions.BatchSize"/> supporters, the segment index's
/// key ranges they were read from (read again when a part is sent), and a part per channel holding the
/// supporters eligible on it when planned. Each part has its own queue message, so one channel's outage
/// never holds up the other.
/// </summary>
internal sealed record CampaignBatch(string CampaignId, int BatchNo, IReadOnlyList<KeyRange> Ranges, IReadOnlyDictionary<Channel, BatchPart> Parts);

/// <summary>A sending campaign's planned batches: a row each, with a part per channel.</summary>
internal sealed class BatchStore(AlertsStorage storage)
{
    private readonly TableClient _batches = storage.Table(Tables.CampaignBatches);

    /// <summary>Writes a batch unless it exists: a replanned batch keeps what was planned first. A part with nobody in it is done.</summary>
    public async Task AddBatchAsync(
        string campaignId, int batchNo, IReadOnlyList<KeyRange> ranges, IReadOnlyDictionary<Channel, IReadOnlyList<string>> supporterIds, CancellationToken cancellationToken = default)
    {
        var row = new TableEntity(campaignId, BatchKey(batchNo)) { ["Ranges"] = KeyRange.Join(ranges) };
        foreach ((Channel channel, IReadOnlyList<string> ids) in supporterIds)
        {
            row[channel + "Ids"] = string.Join(',', ids);
            row[channel + "Count"] = ids.Count;
            row[channel + "State"] = (ids.Count == 0 ? BatchPartState.Done : BatchPartState.Pending).ToString();
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

    /// <summary>Records where one channel's part of a batch is. Merges: the other channel's part is untouched.</summary>
    public async Task UpdatePartAsync(
        string campaignId, int batchNo, Channel channel, BatchPartState state, int attempts, string? error = null,
        DateTimeOffset? until = null, string? waitingFor = null, CancellationToken cancellationToken = default) =>
        await _batches.UpdateEntityAsync(new TableEntity(campaignId, BatchKey(batchNo))
        {
            [channel + "State"] = state.ToString(),
            [channel + "Attempts"] = attempts,
            [channel + "Error"] = error,
            [channel + "Until"] = until,
            [channel + "WaitingFor"] = waitingFor,
        }, ETag.All, TableUpdateMode.Merge, cancellationToken);

    /// <summary>Every batch of a campaign, without the supporter ids (a report or completion check needs only states).</summary>
    public async Task<IReadOnlyList<CampaignBatch>> ListBatchesAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        string[] select = ["RowKey", .. Enum.GetValues<Channel>().SelectMany(c => PartColumns.Select(column => c + column))];
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
        string[] select = ["RowKey", .. Enum.GetValues<Channel>().Select(c => c + "State")];
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {campaignId} and RowKey ge {BatchKey(from)}");
        int expected = from;
        await foreach (TableEntity row in _batches.QueryAsync<TableEntity>(filter, maxPerPage: 10, select: select, cancellationToken: cancellationToken))
        {
            CampaignBatch batch = ToBatch(row, withIds: false, campaignId);
            if (batch.BatchNo != expected || batch.Parts.Values.Any(p => p.State != BatchPartState.Done))
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
        var parts = new Dictionary<Channel, BatchPart>();
        foreach (Channel channel in Enum.GetValues<Channel>())
        {
            if (row.GetString(channel + "State") is not { } state)
            {
                continue; // not a channel of this campaign
            }

            parts[channel] = new BatchPart(
                channel,
                withIds && row.GetString(channel + "Ids") is { Length: > 0 } ids ? ids.Split(',') : [],
                row.GetInt32(channel + "Count") ?? 0,
                Enum.Parse<BatchPartState>(state),
                row.GetInt32(channel + "Attempts") ?? 0,
                row.GetString(channel + "Error"),
                row.GetDateTimeOffset(channel + "Until"),
                row.GetString(channel + "WaitingFor"));
        }

        return new CampaignBatch(campaignId ?? row.PartitionKey, int.Parse(row.RowKey, CultureInfo.InvariantCulture),
            withIds ? KeyRange.Split(row.GetString("Ranges")) : [], parts);
    }

}
