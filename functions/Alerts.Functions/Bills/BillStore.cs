using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Alerts.Storage;
using Azure.Data.Tables;
using Azure;

namespace Alerts.Bills;

/// <summary>A watched bill with the snapshot its next poll is compared with.</summary>
internal sealed record WatchedBill(
    int BillId,
    string ShortTitle,
    string? CurrentStage,
    string? CurrentHouse,
    DateTimeOffset AddedAt,
    DateTimeOffset? LastCheckedAt,
    DateTimeOffset? LastChangeAt,
    BillSnapshot? Snapshot,
    bool HandoffPending,
    bool RetryPending,
    ETag ETag);

/// <summary>
/// Watched bills (one partition, one row per bill, snapshot inside, guarded by ETags), their events
/// (a partition per bill, row key = the event's deterministic key, inserted only if absent) and the
/// list watermark.
/// </summary>
internal sealed class BillStore(AlertsStorage storage)
{
    private const string WatchedPartition = "watched";
    private readonly TableClient _watched = storage.Table(Tables.WatchedBills);
    private readonly TableClient _events = storage.Table(Tables.BillEvents);
    private readonly TableClient _state = storage.Table(Tables.BillWatchState);

    public async Task<IReadOnlyList<WatchedBill>> ListWatchedAsync(CancellationToken cancellationToken = default)
    {
        var bills = new List<WatchedBill>();
        await foreach (TableEntity row in _watched.QueryAsync<TableEntity>(e => e.PartitionKey == WatchedPartition, cancellationToken: cancellationToken))
        {
            bills.Add(ToWatchedBill(row));
        }

        return bills;
    }

    public async Task<WatchedBill?> FindWatchedAsync(int billId, CancellationToken cancellationToken = default)
    {
        NullableResponse<TableEntity> row = await _watched.GetEntityIfExistsAsync<TableEntity>(WatchedPartition, BillKey(billId), cancellationToken: cancellationToken);
        return row.HasValue ? ToWatchedBill(row.Value!) : null;
    }

    /// <summary>Starts watching with the bill's current state as the baseline. False when it was already watched.</summary>
    public async Task<bool> AddWatchedAsync(int billId, BillSnapshot baseline, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var row = new TableEntity(WatchedPartition, BillKey(billId))
        {
            ["AddedAt"] = now,
            ["LastCheckedAt"] = now,
        };
        WriteSnapshot(row, baseline);
        try
        {
            await _watched.AddEntityAsync(row, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    public async Task<bool> RemoveWatchedAsync(int billId, CancellationToken cancellationToken = default)
    {
        // The SDK reports deleting a missing entity as success, with status 404.
        Response response = await _watched.DeleteEntityAsync(WatchedPartition, BillKey(billId), ETag.All, cancellationToken);
        return response.Status != 404;
    }

    /// <summary>Replaces the snapshot if nobody else did since <paramref name="bill"/> was read. False on a lost race.</summary>
    public async Task<bool> TryUpdateWatchedAsync(
        WatchedBill bill, BillSnapshot snapshot, DateTimeOffset now, bool changed, bool handoffPending, CancellationToken cancellationToken = default)
    {
        var row = new TableEntity(WatchedPartition, BillKey(bill.BillId))
        {
            ["AddedAt"] = bill.AddedAt,
            ["LastCheckedAt"] = now,
            ["LastChangeAt"] = changed ? now : bill.LastChangeAt,
            ["HandoffPending"] = handoffPending,
            ["RetryPending"] = false,
        };
        WriteSnapshot(row, snapshot);
        return await TryReplaceAsync(row, bill.ETag, cancellationToken);
    }

    public async Task<bool> TrySetFlagsAsync(WatchedBill bill, bool? handoffPending = null, bool? retryPending = null, CancellationToken cancellationToken = default)
    {
        var row = new TableEntity(WatchedPartition, BillKey(bill.BillId));
        if (handoffPending is not null)
        {
            row["HandoffPending"] = handoffPending.Value;
        }

        if (retryPending is not null)
        {
            row["RetryPending"] = retryPending.Value;
        }

        try
        {
            await _watched.UpdateEntityAsync(row, bill.ETag, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <summary>Records the event unless some run already did. True when this call recorded it.</summary>
    public async Task<bool> TryAddEventAsync(BillEvent billEvent, DateTimeOffset detectedAt, CancellationToken cancellationToken = default)
    {
        var row = new TableEntity(BillKey(billEvent.BillId), billEvent.Key)
        {
            ["Kind"] = billEvent.Kind.ToString(),
            ["BillTitle"] = billEvent.BillTitle,
            ["Stage"] = billEvent.Stage,
            ["StageTypeId"] = billEvent.StageTypeId,
            ["BillStageId"] = billEvent.BillStageId,
            ["House"] = billEvent.House,
            ["SittingDate"] = NaiveText(billEvent.SittingDate),
            ["PreviousSittingDate"] = NaiveText(billEvent.PreviousSittingDate),
            ["PreviousTitle"] = billEvent.PreviousTitle,
            ["DetectedAt"] = detectedAt,
            ["Division"] = billEvent.Division is null ? null : JsonSerializer.Serialize(billEvent.Division, JsonSerializerOptions.Web),
            ["Handled"] = false,
        };
        try
        {
            await _events.AddEntityAsync(row, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>All of one bill's events (a bill has at most a few hundred), newest first.</summary>
    public async Task<IReadOnlyList<BillEvent>> ListEventsAsync(int billId, DateTimeOffset? since = null, CancellationToken cancellationToken = default)
    {
        string filter = since is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {BillKey(billId)}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {BillKey(billId)} and DetectedAt ge {since.Value}");
        var events = new List<BillEvent>();
        await foreach (TableEntity row in _events.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            events.Add(ToEvent(row));
        }

        return events.OrderByDescending(e => e.DetectedAt).ThenByDescending(e => e.SittingDate).ThenBy(e => e.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>The newest events of every watched bill since a time (one partition read per watched bill).</summary>
    public async Task<IReadOnlyList<BillEvent>> ListRecentEventsAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken = default)
    {
        var events = new List<BillEvent>();
        foreach (WatchedBill bill in await ListWatchedAsync(cancellationToken))
        {
            events.AddRange(await ListEventsAsync(bill.BillId, since, cancellationToken));
        }

        return events.OrderByDescending(e => e.DetectedAt).Take(limit).ToList();
    }

    public async IAsyncEnumerable<(BillEvent Event, ETag ETag)> ListUnhandledEventsAsync(
        int billId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {BillKey(billId)} and Handled eq {false}");
        await foreach (TableEntity row in _events.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            yield return (ToEvent(row), row.ETag);
        }
    }

    public async Task MarkHandledAsync(BillEvent billEvent, ETag etag, CancellationToken cancellationToken = default)
    {
        try
        {
            await _events.UpdateEntityAsync(new TableEntity(BillKey(billEvent.BillId), billEvent.Key) { ["Handled"] = true },
                etag, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            // Another run handed it off at the same time; subscribers are idempotent per event id.
        }
    }

    public async Task<(DateTime? LastUpdate, ETag ETag)> GetWatermarkAsync(CancellationToken cancellationToken = default)
    {
        NullableResponse<TableEntity> row = await _state.GetEntityIfExistsAsync<TableEntity>("watermark", "bills-api", cancellationToken: cancellationToken);
        return row.HasValue
            ? (ParseNaive(row.Value!.GetString("LastUpdate")), row.Value.ETag)
            : (null, default);
    }

    /// <summary>Moves the watermark forward, never back; a concurrent run that moved it first wins.</summary>
    public async Task SaveWatermarkAsync(DateTime lastUpdate, ETag etag, CancellationToken cancellationToken = default)
    {
        var row = new TableEntity("watermark", "bills-api") { ["LastUpdate"] = NaiveText(lastUpdate) };
        try
        {
            if (etag == default)
            {
                await _state.AddEntityAsync(row, cancellationToken);
            }
            else
            {
                await _state.UpdateEntityAsync(row, etag, TableUpdateMode.Replace, cancellationToken);
            }
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Another run saved a watermark from the same or a later list; either is correct.
        }
    }

    private async Task<bool> TryReplaceAsync(TableEntity row, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await _watched.UpdateEntityAsync(row, etag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }
    }

    private static void WriteSnapshot(TableEntity row, BillSnapshot snapshot)
    {
        row["ShortTitle"] = snapshot.Title;
        row["CurrentStage"] = snapshot.CurrentStage?.Description;
        row["CurrentHouse"] = snapshot.CurrentStage?.House;
        row["Snapshot"] = JsonSerializer.Serialize(snapshot, JsonSerializerOptions.Web);
    }

    private static WatchedBill ToWatchedBill(TableEntity row) => new(
        int.Parse(row.RowKey, CultureInfo.InvariantCulture),
        row.GetString("ShortTitle") ?? row.RowKey,
        row.GetString("CurrentStage"),
        row.GetString("CurrentHouse"),
        row.GetDateTimeOffset("AddedAt") ?? DateTimeOffset.MinValue,
        row.GetDateTimeOffset("LastCheckedAt"),
        row.GetDateTimeOffset("LastChangeAt"),
        row.GetString("Snapshot") is { } json ? JsonSerializer.Deserialize<BillSnapshot>(json, JsonSerializerOptions.Web) : null,
        row.GetBoolean("HandoffPending") ?? false,
        row.GetBoolean("RetryPending") ?? false,
        row.ETag);

    private static BillEvent ToEvent(TableEntity row) => new(
        row.RowKey,
        int.Parse(row.PartitionKey, CultureInfo.InvariantCulture),
        Enum.Parse<BillEventKind>(row.GetString("Kind")!),
        row.GetString("BillTitle") ?? string.Empty,
        row.GetString("Stage"),
        row.GetInt32("StageTypeId"),
        row.GetInt32("BillStageId"),
        row.GetString("House"),
        ParseNaive(row.GetString("SittingDate")),
        ParseNaive(row.GetString("PreviousSittingDate")),
        row.GetString("PreviousTitle"),
        row.GetDateTimeOffset("DetectedAt"),
        row.GetString("Division") is { } division ? JsonSerializer.Deserialize<Divisions.DivisionContext>(division, JsonSerializerOptions.Web) : null);

    /// <summary>Bill ids padded so that keys sort numerically.</summary>
    private static string BillKey(int billId) => billId.ToString("D8", CultureInfo.InvariantCulture);

    // Parliament's timestamps are naive; Table Storage would force them to UTC, so they are kept as text.
    private static string? NaiveText(DateTime? value) =>
        value?.ToString("yyyy-MM-ddTHH:mm:ss.fffffff", CultureInfo.InvariantCulture);

    private static DateTime? ParseNaive(string? value) =>
        value is null ? null : DateTime.ParseExact(value, "yyyy-MM-ddTHH:mm:ss.fffffff", CultureInfo.InvariantCulture);
}
