using Alerts.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alerts.Api;

internal sealed record HealthResponse(string Status, string Storage);

internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", GetHealthAsync).WithName("GetHealth").WithTags("Health");
        return app;
    }

    private static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>>> GetHealthAsync(
        AlertsStorage storage, CancellationToken cancellationToken)
    {
        bool reachable = await storage.IsReachableAsync(cancellationToken);
        var response = new HealthResponse(reachable ? "healthy" : "unhealthy", reachable ? "reachable" : "unreachable");
        return reachable
            ? TypedResults.Ok(response)
            : TypedResults.Json(response, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
