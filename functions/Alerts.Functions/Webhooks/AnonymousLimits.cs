using System.Threading.RateLimiting;

namespace Alerts.Webhooks;

/// <summary>A per-client limit on the anonymous endpoints (unsubscribe pages, provider webhooks).</summary>
internal static class AnonymousLimits
{
    public const string Policy = "anonymous";

    public static IServiceCollection AddAnonymousRateLimits(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(Policy, context =>
            {
                int permits = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhookOptions>>().Value.RequestsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(ClientOf(context), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = permits,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
        });

    /// <summary>
    /// The caller: behind the Functions front end every request comes from the host on loopback, so the
    /// first X-Forwarded-For address is used when present.
    /// </summary>
    private static string ClientOf(HttpContext context) =>
        context.Request.Headers["X-Forwarded-For"].FirstOrDefault()?.Split(',')[0].Trim() is { Length: > 0 } forwarded
            ? forwarded
            : context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
