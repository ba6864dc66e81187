using System.Globalization;
using System.Text.Json;
using Alerts.Dispatch;
using Alerts.Segments;
using Alerts.Storage;
using Alerts.Supporters;
using Azure.Data.Tables;
using Azure;

namespace Alerts.Campaigns;

/// <summary>Campaigns (state guarded by ETags) and their planned batches.</summary>
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
    private readonly TableClient _batches = storage.Table(Tables.CampaignBatches);

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

    /// <summary>Writes a batch unless it exists: a replanned batch keeps what was planned first. A part with nobody in it is done.</summary>
    public async Task AddBatchAsync(string campaignId, int batchNo, IReadOnlyDictionary<Channel, IReadOnlyList<string>> supporterIds, CancellationToken cancellationToken = default)
    {
        var row = new TableEntity(campaignId, BatchKey(batchNo));
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

    /// <summary>Marks a sending campaign completed once planning is complete and every part of every planned batch is done.</summary>
    public async Task<bool> TryCompleteAsync(string campaignId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        for (int attempt = 0; attempt < 5; attempt++)
        {
            Campaign? campaign = await GetAsync(campaignId, cancellationToken);
            if (campaign is not { State: CampaignState.Sending, Plan.Complete: true })
            {
                return false;
            }

            IReadOnlyList<CampaignBatch> batches = await ListBatchesAsync(campaignId, cancellationToken);
            if (batches.Count < campaign.Plan.NextBatch || batches.Any(b => b.Parts.Values.Any(p => p.State != BatchPartState.Done)))
            {
                return false;
            }

            if (await TryReplaceAsync(campaign with { State = CampaignState.Completed, UpdatedAt = now }, cancellationToken))
            {
                return true;
            }
        }

        return false;
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

        return new CampaignBatch(campaignId ?? row.PartitionKey, int.Parse(row.RowKey, CultureInfo.InvariantCulture), parts);
    }

    private static TableEntity ToEntity(Campaign c)
    {
        var row = new TableEntity(Partition, c.Id)
        {
            ["State"] = c.State.ToString(),
            ["CreatedAt"] = c.CreatedAt,
            ["UpdatedAt"] = c.UpdatedAt,
            ["ScheduledAt"] = c.ScheduledAt,
            ["ApprovedBy"] = c.ApprovedBy,
            ["RuleId"] = c.RuleId,
            ["PlanNextBatch"] = c.Plan.NextBatch,
            ["PlanPartitionIndex"] = c.Plan.PartitionIndex,
            ["PlanContinuation"] = c.Plan.ContinuationToken,
            ["PlanComplete"] = c.Plan.Complete,
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
        new PlanProgress(row.GetInt32("PlanNextBatch") ?? 0, row.GetInt32("PlanPartitionIndex") ?? 0, row.GetString("PlanContinuation"), row.GetBoolean("PlanComplete") ?? false),
        row.ETag,
        LargeText.Read(row, "ApprovedSegment") is { } segment ? JsonSerializer.Deserialize<SegmentDefinition>(segment, Json) : null);
}
