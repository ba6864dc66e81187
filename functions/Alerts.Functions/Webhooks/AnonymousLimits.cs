using System.Threading.RateLimiting;

namespace Alerts.Webhooks;

/// <summary>A per-client limit on the anonymous endpoints (unsubscribe pages, provider webhooks).</summary>
internal static class AnonymousLimits
{
    public const string Policy = "anonymous";

    public static IServiceCollection AddAnonymousRateLimits(this IServiceCollection services, IConfiguration configuration) =>
        services.AddRateLimiter(limiter =>
        {
            int permits = configuration.GetValue("Webhooks:RequestsPerMinute", 600);
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(Policy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
}
