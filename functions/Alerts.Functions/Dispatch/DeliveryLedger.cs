using System.Globalization;
using Alerts.Storage;
using Alerts.Supporters;
using Azure.Data.Tables;
using Azure;

namespace Alerts.Dispatch;

public enum DeliveryStatus
{
    /// <summary>Reserved by a batch and being sent right now.</summary>
    Sending,

    /// <summary>Certainly not sent (429, no connection, quiet hours): the batch takes it again.</summary>
    Deferred,

    /// <summary>Accepted by the provider.</summary>
    Sent,

    Delivered,
    Bounced,
    Failed,

    /// <summary>The request may or may not have gone out. Never re-sent unless staff ask.</summary>
    Unknown,

    /// <summary>Not sent: no consent, or on the suppression list, when the batch ran.</summary>
    Suppressed,
}

internal sealed record Delivery(
    string CampaignId, Channel Channel, string SupporterId, int BatchNo, DeliveryStatus Status, string? ProviderId, string? ErrorCode, DateTimeOffset UpdatedAt, ETag ETag,
    string? Group = null)
{
    public string DeliveryId => DeliveryIds.For(CampaignId, Channel, SupporterId);
}

/// <summary>
/// What makes "never twice" hold: a row per (campaign, channel, supporter) saying what happened, and a
/// claim taken with insert-if-absent before each provider call. A call for one recipient (an SMS) is
/// claimed by that recipient's own row, reserved before the call and updated with the outcome after. A call
/// for many (a SendGrid request of up to 1000) is claimed by one row listing them, so each recipient's row
/// is written once, with the outcome, after the call; a claim found still open means its call may have
/// gone out, and its recipients are recorded unknown.
/// </summary>
internal sealed class DeliveryLedger(AlertsStorage storage)
{
    /// <summary>Table Storage takes at most 100 actions in one transaction (Azurite does not enforce it; we do).</summary>
    public const int MaxTransaction = 100;

    private readonly TableClient _deliveries = storage.Table(Tables.Deliveries);
    private readonly TableClient _claims = storage.Table(Tables.DeliveryClaims);

    private const string OpenClaim = "open";
    private const string ClosedClaim = "closed";

    /// <summary>
    /// Later news outranks earlier: a delivery report settles an unknown; a bounce outranks a delivery. A row
    /// is only ever moved up this order, whoever writes it and in whatever order the news arrives.
    /// </summary>
    public static int Rank(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Sending or DeliveryStatus.Deferred => 0,
        DeliveryStatus.Unknown => 1,
        DeliveryStatus.Sent => 2,
        DeliveryStatus.Delivered => 3,
        DeliveryStatus.Bounced or DeliveryStatus.Failed => 4,
        _ => 5, // suppressed rows were never sent
    };

    /// <summary>
    /// Claims the one call that sends a batch part to many recipients, listing them. False if the part was
    /// claimed before (a crash, or the same message twice): the caller must not send them again.
    /// </summary>
    public async Task<bool> TryClaimCallAsync(string campaignId, PartKey part, int batchNo, IReadOnlyList<string> supporterIds, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        try
        {
            await _claims.AddEntityAsync(new TableEntity(campaignId, ClaimKey(part, batchNo))
            {
                ["Status"] = OpenClaim,
                ["SupporterIds"] = string.Join(',', supporterIds),
                ["At"] = now,
            }, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>The call's outcomes are recorded: its claim is closed.</summary>
    public async Task CloseCallAsync(string campaignId, PartKey part, int batchNo, CancellationToken cancellationToken = default) =>
        await _claims.UpdateEntityAsync(new TableEntity(campaignId, ClaimKey(part, batchNo)) { ["Status"] = ClosedClaim },
            ETag.All, TableUpdateMode.Merge, cancellationToken);

    /// <summary>
    /// After finding a part's call claimed already: if the claim is still open, the call may have gone out
    /// and its outcome was never recorded, so each of its recipients without a row is recorded unknown
    /// (never re-sent unless staff ask). A call still running elsewhere overwrites these with its outcomes.
    /// </summary>
    public async Task SettleInterruptedCallAsync(string campaignId, PartKey part, int batchNo, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        Channel channel = part.Channel;
        NullableResponse<TableEntity> claim = await _claims.GetEntityIfExistsAsync<TableEntity>(campaignId, ClaimKey(part, batchNo), cancellationToken: cancellationToken);
        if (claim.HasValue && claim.Value!.GetString("Status") == OpenClaim && claim.Value.GetString("SupporterIds") is { Length: > 0 } ids)
        {
            await AddAllAsync(ids.Split(',').Select(id => new TableEntity(campaignId, Key(channel, id))
            {
                ["Status"] = DeliveryStatus.Unknown.ToString(),
                ["BatchNo"] = batchNo,
                ["ErrorCode"] = "interrupted",
                ["UpdatedAt"] = now,
            }).ToList(), overwrite: false, cancellationToken);
        }
    }

    /// <summary>
    /// Writes the outcome of a claimed call for each recipient, a hundred to a transaction. The claim makes
    /// these rows this call's to write: one found already is overwritten with what really happened if it
    /// says less (recorded unknown by a check that thought the call interrupted), and otherwise keeps its
    /// status (the provider's report of a delivery or bounce that arrived before this call's answer was
    /// recorded) and takes the call's other fields.
    /// </summary>
    public async Task RecordCallAsync(
        string campaignId, Channel channel, int batchNo, IReadOnlyList<(string SupporterId, DeliveryStatus Status, string? ProviderId, string? ErrorCode)> outcomes,
        IReadOnlyDictionary<string, string>? groups, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await AddAllAsync([.. outcomes.Select(o => new TableEntity(campaignId, Key(channel, o.SupporterId))
        {
            ["Status"] = o.Status.ToString(),
            ["BatchNo"] = batchNo,
            ["ProviderId"] = o.ProviderId,
            ["ErrorCode"] = o.ErrorCode,
            ["UpdatedAt"] = now,
            ["Group"] = groups?.GetValueOrDefault(o.SupporterId),
        })], overwrite: true, cancellationToken);

    /// <summary>Adds rows a hundred to a transaction; where one exists, that transaction's rows go one at a time, the existing one kept or merged over.</summary>
    private async Task AddAllAsync(IReadOnlyList<TableEntity> rows, bool overwrite, CancellationToken cancellationToken)
    {
        foreach (TableEntity[] chunk in rows.Chunk(MaxTransaction))
        {
            try
            {
                await _deliveries.SubmitTransactionAsync(chunk.Select(row => new TableTransactionAction(TableTransactionActionType.Add, row)), cancellationToken);
            }
            catch (TableTransactionFailedException)
            {
                foreach (TableEntity row in chunk)
                {
                    try
                    {
                        await _deliveries.AddEntityAsync(row, cancellationToken);
                    }
                    catch (RequestFailedException ex) when (ex.Status == 409)
                    {
                        if (overwrite)
                        {
                            await MergeOverAsync(row, cancellationToken);
                        }
                    }
                }
            }
        }
    }

    /// <summary>Merges a call's outcome into the row found in its place, never moving the row's status down.</summary>
    private async Task MergeOverAsync(TableEntity outcome, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            TableEntity existing = (await _deliveries.GetEntityAsync<TableEntity>(outcome.PartitionKey, outcome.RowKey, cancellationToken: cancellationToken)).Value;
            var merged = new TableEntity(outcome);
            if (Rank(Enum.Parse<DeliveryStatus>(existing.GetString("Status")!)) > Rank(Enum.Parse<DeliveryStatus>(outcome.GetString("Status")!)))
            {
                merged.Remove("Status");
                merged.Remove("ErrorCode");
            }

            try
            {
                await _deliveries.UpdateEntityAsync(merged, existing.ETag, TableUpdateMode.Merge, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 412 && attempt < 5)
            {
                // A provider report landed meanwhile: read it and merge again.
            }
        }
    }

    /// <summary>
    /// A provider's report for a recipient whose row is not written yet: its call's answer is still being
    /// recorded, or the run making the call died before recording it. The report is the row until the call's
    /// outcome joins it (<see cref="RecordCallAsync"/> keeps the higher status; a check for an interrupted
    /// call leaves it be), so it is not lost and the recipient is not later taken for unknown. False if a
    /// row appeared first: the caller advances that one.
    /// </summary>
    public async Task<bool> TryAddReportedAsync(string campaignId, Channel channel, string supporterId, DeliveryStatus status, string? errorCode, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        try
        {
            await _deliveries.AddEntityAsync(new TableEntity(campaignId, Key(channel, supporterId))
            {
                ["Status"] = status.ToString(),
                ["ErrorCode"] = errorCode,
                ["UpdatedAt"] = now,
            }, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>
    /// Claims the recipient for sending. True when this call may send: a new claim, or a row left
    /// <see cref="DeliveryStatus.Deferred"/> by an earlier attempt. A row left <see cref="DeliveryStatus.Sending"/>
    /// by a run that died is turned into <see cref="DeliveryStatus.Unknown"/>: it may have been sent.
    /// </summary>
    public async Task<bool> TryReserveAsync(
        string campaignId, Channel channel, string supporterId, int batchNo, DateTimeOffset now, string? group = null, CancellationToken cancellationToken = default)
    {
        TableEntity row = Reservation(campaignId, channel, supporterId, batchNo, now, group);
        try
        {
            await _deliveries.AddEntityAsync(row, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
        }

        Delivery? existing = await GetAsync(campaignId, channel, supporterId, cancellationToken);
        switch (existing?.Status)
        {
            case DeliveryStatus.Deferred:
                return await TryUpdateAsync(existing, DeliveryStatus.Sending, null, null, now, cancellationToken);
            case DeliveryStatus.Sending:
                await TryUpdateAsync(existing, DeliveryStatus.Unknown, null, "interrupted", now, cancellationToken);
                return false;
            default:
                return false;
        }
    }

    /// <summary>
    /// Claims many recipients at once: every row of a campaign is in its partition, so up to 100 claims go in
    /// one transaction. A transaction fails whole if any row exists; then each is claimed on its own.
    /// Returns the supporter ids this call may send to.
    /// </summary>
    public async Task<IReadOnlyList<string>> TryReserveManyAsync(
        string campaignId, Channel channel, IReadOnlyList<string> supporterIds, int batchNo, DateTimeOffset now,
        IReadOnlyDictionary<string, string>? groups = null, CancellationToken cancellationToken = default)
    {
        var reserved = new List<string>(supporterIds.Count);
        foreach (string[] chunk in supporterIds.Chunk(MaxTransaction))
        {
            try
            {
                await _deliveries.SubmitTransactionAsync(chunk.Select(id => new TableTransactionAction(TableTransactionActionType.Add,
                    Reservation(campaignId, channel, id, batchNo, now, groups?.GetValueOrDefault(id)))), cancellationToken);
                reserved.AddRange(chunk);
            }
            catch (TableTransactionFailedException)
            {
                foreach (string id in chunk)
                {
                    if (await TryReserveAsync(campaignId, channel, id, batchNo, now, groups?.GetValueOrDefault(id), cancellationToken))
                    {
                        reserved.Add(id);
                    }
                }
            }
        }

        return reserved;
    }

    /// <summary>Records many outcomes, up to 100 per transaction (all rows of a campaign share a partition).</summary>
    public async Task RecordManyAsync(
        string campaignId, Channel channel, IReadOnlyList<(string SupporterId, DeliveryStatus Status, string? ProviderId, string? ErrorCode)> outcomes,
        DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        foreach (var chunk in outcomes.Chunk(MaxTransaction))
        {
            await _deliveries.SubmitTransactionAsync(chunk.Select(o => new TableTransactionAction(TableTransactionActionType.UpdateMerge,
                new TableEntity(campaignId, Key(channel, o.SupporterId))
                {
                    ["Status"] = o.Status.ToString(),
                    ["ProviderId"] = o.ProviderId,
                    ["ErrorCode"] = o.ErrorCode,
                    ["UpdatedAt"] = now,
                })), cancellationToken);
        }
    }

    /// <summary>
    /// Records that these recipients were not sent to now (no consent, suppressed, left the segment), each
    /// unless its row exists: up to 100 in a transaction, which fails whole if any row exists, and then one at a time.
    /// </summary>
    public async Task RecordSkippedManyAsync(
        string campaignId, Channel channel, IReadOnlyList<(string SupporterId, string Reason)> skipped, int batchNo, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await AddAllAsync([.. skipped.Select(s => new TableEntity(campaignId, Key(channel, s.SupporterId))
        {
            ["Status"] = DeliveryStatus.Suppressed.ToString(),
            ["BatchNo"] = batchNo,
            ["ErrorCode"] = s.Reason,
            ["UpdatedAt"] = now,
        })], overwrite: false, cancellationToken);

    public async Task RecordAsync(string campaignId, Channel channel, string supporterId, DeliveryStatus status, string? providerId, string? errorCode, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await _deliveries.UpdateEntityAsync(new TableEntity(campaignId, Key(channel, supporterId))
        {
            ["Status"] = status.ToString(),
            ["ProviderId"] = providerId,
            ["ErrorCode"] = errorCode,
            ["UpdatedAt"] = now,
        }, ETag.All, TableUpdateMode.Merge, cancellationToken);

    public async Task<bool> TryUpdateAsync(Delivery delivery, DeliveryStatus status, string? providerId, string? errorCode, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        try
        {
            await _deliveries.UpdateEntityAsync(new TableEntity(delivery.CampaignId, Key(delivery.Channel, delivery.SupporterId))
            {
                ["Status"] = status.ToString(),
                ["ProviderId"] = providerId ?? delivery.ProviderId,
                ["ErrorCode"] = errorCode,
                ["UpdatedAt"] = now,
            }, delivery.ETag, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }
    }

    public async Task<Delivery?> GetAsync(string campaignId, Channel channel, string supporterId, CancellationToken cancellationToken = default)
    {
        if (!TableKeys.IsId(campaignId) || !TableKeys.IsId(supporterId))
        {
            return null;
        }

        NullableResponse<TableEntity> row = await _deliveries.GetEntityIfExistsAsync<TableEntity>(campaignId, Key(channel, supporterId), cancellationToken: cancellationToken);
        return row.HasValue ? ToDelivery(row.Value!) : null;
    }

    public async IAsyncEnumerable<Delivery> ListAsync(string campaignId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (TableEntity row in _deliveries.QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {campaignId}"), maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            yield return ToDelivery(row);
        }
    }

    /// <summary>
    /// A claim. <c>Group</c> is what the report counts the recipient under besides status (how their MP voted,
    /// for a campaign on a division); outcomes are merged into the row, so it stays.
    /// </summary>
    private static TableEntity Reservation(string campaignId, Channel channel, string supporterId, int batchNo, DateTimeOffset now, string? group) => new(campaignId, Key(channel, supporterId))
    {
        ["Status"] = DeliveryStatus.Sending.ToString(),
        ["BatchNo"] = batchNo,
        ["UpdatedAt"] = now,
        ["Group"] = group,
    };

    private static string Key(Channel channel, string supporterId) => $"{channel}|{supporterId}";

    private static string ClaimKey(PartKey part, int batchNo) => string.Create(CultureInfo.InvariantCulture, $"{part.Column}|{batchNo:D7}");

    private static Delivery ToDelivery(TableEntity row)
    {
        string[] key = row.RowKey.Split('|');
        return new Delivery(row.PartitionKey, Enum.Parse<Channel>(key[0]), key[1], row.GetInt32("BatchNo") ?? 0, Enum.Parse<DeliveryStatus>(row.GetString("Status")!),
            row.GetString("ProviderId"), row.GetString("ErrorCode"), row.GetDateTimeOffset("UpdatedAt") ?? default, row.ETag, row.GetString("Group"));
    }
}
