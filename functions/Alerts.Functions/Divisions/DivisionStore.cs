using System.Globalization;
using System.Text.Json;
using Alerts.Storage;
using Azure;
using Azure.Data.Tables;

namespace Alerts.Divisions;

/// <summary>
/// Divisions, a partition per House, row key = the division id padded so keys sort by number; each row is
/// written whole (header, link and roll together, guarded by its ETag), so a reader never sees half of a
/// re-publication. The watermark per House lives in the same table.
/// </summary>
internal sealed class DivisionStore(AlertsStorage storage)
{
    private const string WatermarkPartition = "watermark";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
    private readonly TableClient _divisions = storage.Table(Tables.Divisions);

    public async Task<Division?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!DivisionIds.TryParse(id, out string house, out int divisionId))
        {
            return null;
        }

        NullableResponse<TableEntity> row = await _divisions.GetEntityIfExistsAsync<TableEntity>(Partition(house), Key(divisionId), cancellationToken: cancellationToken);
        return row.HasValue ? FromEntity(row.Value!) : null;
    }

    /// <summary>Records a division unless some run already did (insert-if-absent on its id). True when this call recorded it.</summary>
    public async Task<bool> TryAddAsync(Division division, CancellationToken cancellationToken = default)
    {
        try
        {
            await _divisions.AddEntityAsync(ToEntity(division), cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Replaces the division if nobody changed it since it was read. False on a lost race.</summary>
    public async Task<bool> TryReplaceAsync(Division division, CancellationToken cancellationToken = default)
    {
        try
        {
            await _divisions.UpdateEntityAsync(ToEntity(division), division.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <summary>Divisions newest first, optionally one House's or in one link state.</summary>
    public async Task<IReadOnlyList<Division>> ListAsync(string? house = null, DivisionLinkState? state = null, CancellationToken cancellationToken = default)
    {
        var filters = new List<string>
        {
            house is null
                ? TableClient.CreateQueryFilter($"PartitionKey ne {WatermarkPartition}")
                : TableClient.CreateQueryFilter($"PartitionKey eq {Partition(house)}"),
        };
        if (state is not null)
        {
            filters.Add(TableClient.CreateQueryFilter($"LinkState eq {state.Value.ToString()}"));
        }

        var divisions = new List<Division>();
        await foreach (TableEntity row in _divisions.QueryAsync<TableEntity>(string.Join(" and ", filters), cancellationToken: cancellationToken))
        {
            divisions.Add(FromEntity(row));
        }

        return [.. divisions.OrderByDescending(d => d.Date).ThenByDescending(d => d.DivisionId)];
    }

    /// <summary>One House's divisions from an id up (keys sort by id), as one range query.</summary>
    public async Task<IReadOnlyList<Division>> ListFromAsync(string house, int fromDivisionId, CancellationToken cancellationToken = default)
    {
        var divisions = new List<Division>();
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition(house)} and RowKey ge {Key(fromDivisionId)}");
        await foreach (TableEntity row in _divisions.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            divisions.Add(FromEntity(row));
        }

        return divisions;
    }

    /// <summary>The newest division date seen in a House, as Parliament's calendar date.</summary>
    public async Task<(DateOnly? Date, ETag ETag)> GetWatermarkAsync(string house, CancellationToken cancellationToken = default)
    {
        NullableResponse<TableEntity> row = await _divisions.GetEntityIfExistsAsync<TableEntity>(WatermarkPartition, Partition(house), cancellationToken: cancellationToken);
        return row.HasValue && row.Value!.GetString("Date") is { } date
            ? (DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture), row.Value.ETag)
            : (null, default);
    }

    /// <summary>Moves the watermark forward, never back; a concurrent run that moved it first wins.</summary>
    public async Task SaveWatermarkAsync(string house, DateOnly date, ETag etag, CancellationToken cancellationToken = default)
    {
        var row = new TableEntity(WatermarkPartition, Partition(house)) { ["Date"] = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };
        try
        {
            if (etag == default)
            {
                await _divisions.AddEntityAsync(row, cancellationToken);
            }
            else
            {
                await _divisions.UpdateEntityAsync(row, etag, TableUpdateMode.Replace, cancellationToken);
            }
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
        }
    }

    private static TableEntity ToEntity(Division d)
    {
        var row = new TableEntity(Partition(d.House), Key(d.DivisionId))
        {
            ["Number"] = d.Number,
            ["Date"] = d.Date.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture), // naive: Table Storage would make it UTC
            ["Title"] = d.Title,
            ["Notes"] = d.Notes,
            ["IsDeferred"] = d.IsDeferred,
            ["AyeCount"] = d.AyeCount,
            ["NoCount"] = d.NoCount,
            ["Fingerprint"] = d.Fingerprint,
            ["RecordedAt"] = d.RecordedAt,
            ["UpdatedAt"] = d.UpdatedAt,
            ["LinkState"] = d.Link.State.ToString(),
            ["Link"] = JsonSerializer.Serialize(d.Link, Json),
            ["Announced"] = d.Announced,
        };
        LargeText.Write(row, "Roll", d.Roll?.Encode());
        return row;
    }

    private static Division FromEntity(TableEntity row) => new(
        row.PartitionKey == "commons" ? DivisionIds.Commons : DivisionIds.Lords,
        int.Parse(row.RowKey, CultureInfo.InvariantCulture),
        row.GetInt32("Number") ?? 0,
        DateTime.ParseExact(row.GetString("Date")!, "yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
        row.GetString("Title") ?? string.Empty,
        row.GetString("Notes"),
        row.GetBoolean("IsDeferred") ?? false,
        row.GetInt32("AyeCount") ?? 0,
        row.GetInt32("NoCount") ?? 0,
        row.GetString("Fingerprint") ?? string.Empty,
        row.GetDateTimeOffset("RecordedAt") ?? default,
        row.GetDateTimeOffset("UpdatedAt") ?? default,
        JsonSerializer.Deserialize<DivisionLink>(row.GetString("Link") ?? "{}", Json) ?? DivisionLink.None,
        LargeText.Read(row, "Roll") is { } roll ? DivisionRoll.Decode(roll) : null,
        row.GetBoolean("Announced") ?? false,
        row.ETag);

    private static string Partition(string house) => house.ToLowerInvariant();

    private static string Key(int divisionId) => divisionId.ToString("D10", CultureInfo.InvariantCulture);
}
