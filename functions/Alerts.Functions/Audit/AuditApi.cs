using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alerts.Audit;

internal static class AuditApi
{
    /// <summary>
    /// Records every staff request that changes something, with the key that made it and the object it named:
    /// the path segment at <paramref name="objectTypeSegment"/> names the object's type ("campaigns" → campaign).
    /// </summary>
    public static RouteGroupBuilder AuditStaffChanges(this RouteGroupBuilder api, int objectTypeSegment = 2)
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
                string type = (http.Request.Path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(objectTypeSegment) ?? "api").TrimEnd('s');
                IResult? outcome = Unwrap(result);
                string id = (route["id"] ?? route["billId"] ?? route["segmentId"] ?? route["supporterId"])?.ToString()
                    ?? CreatedId(outcome) ?? "-";
                int status = outcome is IStatusCodeHttpResult { StatusCode: { } code } ? code : http.Response.StatusCode;
                await http.RequestServices.GetRequiredService<AuditLog>().RecordAsync(
                    Actors.Of(http.User),
                    name,
                    type, id, status.ToString(CultureInfo.InvariantCulture), http.RequestAborted);
            }

            return result;
        });
        return api;
    }

    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
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
