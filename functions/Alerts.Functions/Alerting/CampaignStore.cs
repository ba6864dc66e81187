using System.Globalization;
using System.Text.Json;
using Alerts.Storage;
using Azure;
using Azure.Data.Tables;

namespace Alerts.Alerting;

/// <summary>One planned batch: up to <see cref="AlertingOptions.BatchSize"/> supporter ids.</summary>
internal sealed record CampaignBatch(string CampaignId, int BatchNo, IReadOnlyList<string> SupporterIds, int Count, bool Done, int Attempts, string? LastError);

/// <summary>Campaigns (state guarded by ETags) and their planned batches.</summary>
internal sealed class CampaignStore(AlertsStorage storage)
{
    private const string Partition = "campaign";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
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
        if (id.Length is 0 or > 64 || !id.All(char.IsAsciiLetterOrDigit))
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

    /// <summary>Writes a batch unless it exists: a replanned batch keeps what was planned first.</summary>
    public async Task AddBatchAsync(string campaignId, int batchNo, IReadOnlyList<string> supporterIds, CancellationToken cancellationToken = default)
    {
        try
        {
            await _batches.AddEntityAsync(new TableEntity(campaignId, BatchKey(batchNo))
            {
                ["SupporterIds"] = string.Join(',', supporterIds),
                ["Count"] = supporterIds.Count,
            }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
        }
    }

    public async Task<CampaignBatch?> GetBatchAsync(string campaignId, int batchNo, CancellationToken cancellationToken = default)
    {
        NullableResponse<TableEntity> row = await _batches.GetEntityIfExistsAsync<TableEntity>(campaignId, BatchKey(batchNo), cancellationToken: cancellationToken);
        return row.HasValue ? ToBatch(row.Value!) : null;
    }

    public async Task RecordBatchAttemptAsync(string campaignId, int batchNo, int attempt, string? error, bool done, CancellationToken cancellationToken = default) =>
        await _batches.UpdateEntityAsync(new TableEntity(campaignId, BatchKey(batchNo))
        {
            ["Attempts"] = attempt,
            ["LastError"] = error,
            ["Done"] = done,
        }, ETag.All, TableUpdateMode.Merge, cancellationToken);

    public async Task<IReadOnlyList<CampaignBatch>> ListBatchesAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        var batches = new List<CampaignBatch>();
        await foreach (TableEntity row in _batches.QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {campaignId}"),
                           select: ["RowKey", "Done", "Attempts", "LastError", "Count"], cancellationToken: cancellationToken))
        {
            batches.Add(new CampaignBatch(campaignId, int.Parse(row.RowKey, CultureInfo.InvariantCulture), [], row.GetInt32("Count") ?? 0, row.GetBoolean("Done") ?? false,
                row.GetInt32("Attempts") ?? 0, row.GetString("LastError")));
        }

        return batches;
    }

    /// <summary>Marks a sending campaign completed once planning is complete and every planned batch is done.</summary>
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
            if (batches.Count < campaign.Plan.NextBatch || batches.Any(b => !b.Done))
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

    private static string BatchKey(int batchNo) => batchNo.ToString("D7", CultureInfo.InvariantCulture);

    private static CampaignBatch ToBatch(TableEntity row) => new(
        row.PartitionKey,
        int.Parse(row.RowKey, CultureInfo.InvariantCulture),
        row.GetString("SupporterIds") is { Length: > 0 } ids ? ids.Split(',') : [],
        row.GetInt32("Count") ?? 0,
        row.GetBoolean("Done") ?? false,
        row.GetInt32("Attempts") ?? 0,
        row.GetString("LastError"));

    private static TableEntity ToEntity(Campaign c) => new(Partition, c.Id)
    {
        ["Content"] = JsonSerializer.Serialize(c.Content, Json),
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

    private static Campaign FromEntity(TableEntity row) => new(
        row.RowKey,
        JsonSerializer.Deserialize<CampaignContent>(row.GetString("Content")!, Json)!,
        Enum.Parse<CampaignState>(row.GetString("State")!),
        row.GetDateTimeOffset("CreatedAt") ?? default,
        row.GetDateTimeOffset("UpdatedAt") ?? default,
        row.GetDateTimeOffset("ScheduledAt"),
        row.GetString("ApprovedBy"),
        row.GetString("RuleId"),
        new PlanProgress(row.GetInt32("PlanNextBatch") ?? 0, row.GetInt32("PlanPartitionIndex") ?? 0, row.GetString("PlanContinuation"), row.GetBoolean("PlanComplete") ?? false),
        row.ETag);
}
