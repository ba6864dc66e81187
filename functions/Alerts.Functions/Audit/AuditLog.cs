using System.Globalization;
using System.Security.Claims;
using Alerts.Storage;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http.HttpResults;

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

/// <summary>Who is acting: the staff key on this request, or the system route that made the change.</summary>
internal sealed class AuditActor(IHttpContextAccessor accessor)
{
    public string For(string source) =>
        accessor.HttpContext?.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } id
            ? id.StartsWith("entra:", StringComparison.Ordinal) ? id : $"key:{id}"
            : source;
}

internal static class AuditApi
{
    /// <summary>Records every staff request that changes something, with the key that made it and the object it named.</summary>
    public static RouteGroupBuilder AuditStaffChanges(this RouteGroupBuilder api)
    {
        api.AddEndpointFilter(async (context, next) =>
        {
            object? result = await next(context);
            HttpContext http = context.HttpContext;
            string? name = http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
            if (name is not null && (!HttpMethods.IsGet(http.Request.Method) || name is "ExportSupporter" or "ReadAuditLog"))
            {
                RouteValueDictionary route = http.Request.RouteValues;
                // "/api/v1/campaigns/{id}/approve" is about campaign {id}: the same names the services record under.
                string type = (http.Request.Path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(2) ?? "api").TrimEnd('s');
                IResult? outcome = Unwrap(result);
                string id = (route["id"] ?? route["billId"] ?? route["segmentId"] ?? route["supporterId"])?.ToString()
                    ?? CreatedId(outcome) ?? "-";
                int status = outcome is IStatusCodeHttpResult { StatusCode: { } code } ? code : http.Response.StatusCode;
                await http.RequestServices.GetRequiredService<AuditLog>().RecordAsync(
                    http.RequestServices.GetRequiredService<AuditActor>().For("staff"),
                    name,
                    type, id, status.ToString(CultureInfo.InvariantCulture), http.RequestAborted);
            }

            return result;
        });
        api.MapGet("/audit", ReadAsync).WithName("ReadAuditLog");
        return api;
    }

    /// <summary>The result a handler returned, out of its <c>Results&lt;…&gt;</c> union, which itself carries no status code.</summary>
    private static IResult? Unwrap(object? result)
    {
        while (result is INestedHttpResult nested)
        {
            result = nested.Result;
        }

        return result as IResult;
    }

    /// <summary>
    /// The id of what a 201 created: the last segment of its location. (<c>Created&lt;T&gt;</c> is generic with no
    /// non-generic interface for its location, and the filter runs before the header is written.)
    /// </summary>
    private static string? CreatedId(IResult? result) =>
        result is IStatusCodeHttpResult { StatusCode: StatusCodes.Status201Created }
        && result.GetType().GetProperty("Location")?.GetValue(result) is string location
            ? location.TrimEnd('/').Split('/')[^1]
            : null;

    private static async Task<Results<Ok<IReadOnlyList<AuditEntry>>, ValidationProblem>> ReadAsync(
        AuditLog audit, TimeProvider time, CancellationToken cancellationToken,
        string? objectType = null, string? objectId = null, DateTimeOffset? from = null, DateTimeOffset? to = null, int limit = 200)
    {
        DateTimeOffset end = to ?? time.GetUtcNow();
        DateTimeOffset start = from ?? end.AddDays(-7);
        if ((objectType is null) != (objectId is null) || start > end || (objectType is null && end - start > TimeSpan.FromDays(31)) || limit is < 1 or > 1000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["query"] = ["Give objectType and objectId together, or a from/to range of at most 31 days; limit 1 to 1000."],
            });
        }

        return TypedResults.Ok(await audit.ReadAsync(objectType, objectId, start, end, limit, cancellationToken));
    }
}
