using System.Text.Json;
using Alerts.Storage;
using Azure.Data.Tables;
using Azure;

namespace Alerts.Segments;

internal sealed record Segment(string Id, SegmentDefinition Definition, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Saved segment definitions.</summary>
internal sealed class SegmentStore(AlertsStorage storage)
{
    private const string Partition = "segment";
    private readonly TableClient _segments = storage.Table(Tables.Segments);

    public async Task<Segment> CreateAsync(SegmentDefinition definition, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var segment = new Segment("seg" + Guid.NewGuid().ToString("N")[..16], definition, now, now);
        await _segments.AddEntityAsync(ToEntity(segment), cancellationToken);
        return segment;
    }

    public async Task<Segment?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!TableKeys.IsId(id))
        {
            return null;
        }

        NullableResponse<TableEntity> row = await _segments.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: cancellationToken);
        return row.HasValue ? FromEntity(row.Value!) : null;
    }

    public async Task<IReadOnlyList<Segment>> ListAsync(CancellationToken cancellationToken = default)
    {
        var segments = new List<Segment>();
        await foreach (TableEntity row in _segments.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken))
        {
            segments.Add(FromEntity(row));
        }

        return segments;
    }

    public async Task<bool> ReplaceAsync(Segment segment, CancellationToken cancellationToken = default)
    {
        try
        {
            await _segments.UpdateEntityAsync(ToEntity(segment), ETag.All, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        TableKeys.IsId(id) && (await _segments.DeleteEntityAsync(Partition, id, ETag.All, cancellationToken)).Status != 404;

    private static TableEntity ToEntity(Segment s)
    {
        var row = new TableEntity(Partition, s.Id)
        {
            ["CreatedAt"] = s.CreatedAt,
            ["UpdatedAt"] = s.UpdatedAt,
        };
        LargeText.Write(row, "Definition", JsonSerializer.Serialize(s.Definition, JsonSerializerOptions.Web)); // 650 constituencies fill two properties
        return row;
    }

    private static Segment FromEntity(TableEntity row) => new(
        row.RowKey,
        JsonSerializer.Deserialize<SegmentDefinition>(LargeText.Read(row, "Definition")!, JsonSerializerOptions.Web)!,
        row.GetDateTimeOffset("CreatedAt") ?? default,
        row.GetDateTimeOffset("UpdatedAt") ?? default);
}
