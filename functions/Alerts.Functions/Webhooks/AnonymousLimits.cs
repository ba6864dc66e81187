using System.Threading.RateLimiting;
using Alerts.Hosting;

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
                WebhookOptions options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhookOptions>>().Value;
                int permits = options.RequestsPerMinute;
                string client = ClientAddress.Of(context, options.TrustedProxyNetworks, context.RequestServices.GetRequiredService<HostingMode>().UnderFunctionsHost);
                return RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = permits,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
        });
}
