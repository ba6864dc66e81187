using Alerts.Messages;
using Microsoft.Extensions.Options;

namespace Alerts.Channels;

/// <summary>One token bucket for every SMS this instance sends.</summary>
internal sealed class SmsRateLimiter(IOptions<AlertingOptions> options) : IDisposable
{
    public System.Threading.RateLimiting.TokenBucketRateLimiter Limiter { get; } = new(new System.Threading.RateLimiting.TokenBucketRateLimiterOptions
    {
        TokenLimit = options.Value.SmsPerSecond,
        TokensPerPeriod = options.Value.SmsPerSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = int.MaxValue,
        AutoReplenishment = true,
    });

    public void Dispose() => Limiter.Dispose();
}
