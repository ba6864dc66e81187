using System.Globalization;
using Alerts.Storage;
using Azure.Data.Tables;

namespace Alerts.Audit;

public sealed record AuditEntry(DateTimeOffset At, string Actor, string Action, string ObjectType, string ObjectId, string? Detail);

/// <summary>
/// Append-only audit trail: every staff action, consent and suppression change and campaign state change.
/// Each entry is written twice, under its object and under its day, so both look-ups read one partition;
/// row keys run newest first. Entries name supporters by id only, never by address.
/// </summary>
internal sealed class AuditLog(AlertsStorage storage, TimeProvider time)
{
    private readonly TableClient _audit = storage.Table(Tables.AuditLog);

    public async Task RecordAsync(string actor, string action, string objectType, string objectId, string? detail = null, CancellationToken cancellationToken = default)
    {
        DateTimeOffset at = time.GetUtcNow();
        string rowKey = (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
        foreach (string partition in new[] { ObjectPartition(objectType, objectId), DayPartition(at) })
        {
            // AddEntity, never Upsert: nothing overwrites an entry.
            await _audit.AddEntityAsync(new TableEntity(partition, rowKey)
            {
                ["At"] = at,
                ["Actor"] = actor,
                ["Action"] = action,
                ["ObjectType"] = objectType,
                ["ObjectId"] = objectId,
                ["Detail"] = detail,
            }, cancellationToken);
        }
    }

    /// <summary>Entries for one object, or for a time range (at most 31 days), newest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(
        string? objectType, string? objectId, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken = default)
    {
        IEnumerable<string> partitions = objectType is not null && objectId is not null
            ? [ObjectPartition(objectType, objectId)]
            : Enumerable.Range(0, (int)(to.UtcDateTime.Date - from.UtcDateTime.Date).TotalDays + 1).Select(d => DayPartition(to.AddDays(-d)));
        var entries = new List<AuditEntry>();
        foreach (string partition in partitions)
        {
            string filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and At ge {from} and At le {to}");
            await foreach (TableEntity row in _audit.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                entries.Add(new AuditEntry(row.GetDateTimeOffset("At") ?? default, row.GetString("Actor") ?? "", row.GetString("Action") ?? "",
                    row.GetString("ObjectType") ?? "", row.GetString("ObjectId") ?? "", row.GetString("Detail")));
                if (entries.Count >= limit)
                {
                    return entries;
                }
            }
        }

        return entries;
    }

    private static string ObjectPartition(string type, string id) => $"obj|{type}|{id}";

    private static string DayPartition(DateTimeOffset at) => "day|" + at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
}
