using Alerts.Storage;

namespace Alerts.Api;

/// <summary>
/// Ids in staff URLs are checked once, here, before any handler or the audit log sees them: a malformed id
/// is a 400 naming the route parameter, never a storage error.
/// </summary>
internal static class RouteIds
{
    private static readonly string[] Names = ["id", "segmentId", "supporterId"];

    public static RouteGroupBuilder ValidateRouteIds(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(async (context, next) =>
        {
            foreach (string name in Names)
            {
                if (context.HttpContext.Request.RouteValues.TryGetValue(name, out object? value) && !TableKeys.IsId(value as string))
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                    {
                        [name] = [$"Ids are 1 to {TableKeys.MaxIdLength} letters and digits."],
                    });
                }
            }

            return await next(context);
        });
}
