using System.Text.Json;
using Alerts.Segments;
using Alerts.Storage;
using Azure.Data.Tables;
using Azure;

namespace Alerts.Campaigns;

/// <summary>Campaigns, one row each, their state guarded by ETags.</summary>
internal sealed class CampaignStore(AlertsStorage storage)
{
    private const string Partition = "campaign";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        // Stored, never put in a page: no need to escape every '<' of an HTML body as six characters.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly TableClient _campaigns = storage.Table(Tables.Campaigns);

    /// <summary>Adds the campaign unless one with its id exists (rules derive ids from the event). False if it existed.</summary>
    public async Task<bool> TryAddAsync(Campaign campaign, CancellationToken cancellationToken = default)
    {
        try
        {
            await _campaigns.AddEntityAsync(ToEntity(campaign), cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    public async Task<Campaign?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!TableKeys.IsId(id))
        {
            return null;
        }

        NullableResponse<TableEntity> row = await _campaigns.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: cancellationToken);
        return row.HasValue ? FromEntity(row.Value!) : null;
    }

    public async Task<IReadOnlyList<Campaign>> ListAsync(CampaignState? state = null, CancellationToken cancellationToken = default)
    {
        string filter = state is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {Partition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and State eq {state.Value.ToString()}");
        var campaigns = new List<Campaign>();
        await foreach (TableEntity row in _campaigns.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            campaigns.Add(FromEntity(row));
        }

        return campaigns.OrderByDescending(c => c.CreatedAt).ToList();
    }

    /// <summary>Replaces the campaign if nobody changed it since it was read. False on a lost race.</summary>
    public async Task<bool> TryReplaceAsync(Campaign campaign, CancellationToken cancellationToken = default)
    {
        try
        {
            await _campaigns.UpdateEntityAsync(ToEntity(campaign), campaign.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }
    }

    private static TableEntity ToEntity(Campaign c)
    {
        var row = new TableEntity(Partition, c.Id)
        {
            ["State"] = c.State.ToString(),
            ["CreatedAt"] = c.CreatedAt,
            ["DraftedBy"] = c.DraftedBy,
            ["UpdatedAt"] = c.UpdatedAt,
            ["ScheduledAt"] = c.ScheduledAt,
            ["ApprovedBy"] = c.ApprovedBy,
            ["RuleId"] = c.RuleId,
            ["PlanNextBatch"] = c.Plan.NextBatch,
            ["PlanShard"] = c.Plan.Shard,
            ["PlanAfter"] = c.Plan.After,
            ["PlanComplete"] = c.Plan.Complete,
            ["PlanDoneBelow"] = c.Plan.DoneBelow,
        };
        LargeText.Write(row, "Content", JsonSerializer.Serialize(c.Content, Json));
        LargeText.Write(row, "ApprovedSegment", c.ApprovedSegment is null ? null : JsonSerializer.Serialize(c.ApprovedSegment, Json));
        return row;
    }

    private static Campaign FromEntity(TableEntity row) => new(
        row.RowKey,
        JsonSerializer.Deserialize<CampaignContent>(LargeText.Read(row, "Content")!, Json)!,
        Enum.Parse<CampaignState>(row.GetString("State")!),
        row.GetDateTimeOffset("CreatedAt") ?? default,
        row.GetDateTimeOffset("UpdatedAt") ?? default,
        row.GetDateTimeOffset("ScheduledAt"),
        row.GetString("ApprovedBy"),
        row.GetString("RuleId"),
        new PlanProgress(row.GetInt32("PlanNextBatch") ?? 0, row.GetInt32("PlanShard") ?? 0, row.GetString("PlanAfter"), row.GetBoolean("PlanComplete") ?? false,
            row.GetInt32("PlanDoneBelow") ?? 0),
        row.ETag,
        LargeText.Read(row, "ApprovedSegment") is { } segment ? JsonSerializer.Deserialize<SegmentDefinition>(segment, Json) : null,
        row.GetString("DraftedBy"));
}
