using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Alerts.Alerting;

/// <summary>Twilio's Messages resource (REST, form-encoded), without the Twilio SDK.</summary>
internal sealed class TwilioSmsClient(HttpClient http, IOptions<TwilioOptions> options, Hosting.AlertsMetrics metrics, TimeProvider time)
{
    public async Task<DeliveryResult> SendAsync(string to, string body, Uri statusCallback, CancellationToken cancellationToken = default)
    {
        TwilioOptions twilio = options.Value;
        var form = new List<KeyValuePair<string, string>>
        {
            new("To", to),
            new("Body", body),
            new("StatusCallback", statusCallback.ToString()),
        };
        form.Add(twilio.MessagingServiceSid is { Length: > 0 } service ? new("MessagingServiceSid", service) : new("From", twilio.From!));

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"Accounts/{twilio.AccountSid}/Messages.json", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(form),
        };
        string user = twilio.ApiKeySid is { Length: > 0 } keySid ? keySid : twilio.AccountSid!;
        string secret = twilio.ApiKeySid is { Length: > 0 } ? twilio.ApiKeySecret! : twilio.AuthToken!;
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        HttpResponseMessage response;
        long started = time.GetTimestamp();
        try
        {
            response = await http.SendAsync(request, cancellationToken);
            metrics.ProviderDuration.Record(time.GetElapsedTime(started).TotalSeconds, new("provider", "twilio"), new("status", (int)response.StatusCode));
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                metrics.ProviderThrottled.Add(1, new KeyValuePair<string, object?>("provider", "twilio"));
            }
        }
        catch (Exception ex) when (SendFailures.CertainlyNotSent(ex))
        {
            return new DeliveryResult.Deferred(null, "could not be reached");
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Twilio has no idempotency key: once the request may have left, a retry could send twice.
            return new DeliveryResult.Unknown(ex is TaskCanceledException ? "timeout" : "connection lost");
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return new DeliveryResult.Accepted(await ReadAsync(response, "sid", cancellationToken));
            }

            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return new DeliveryResult.Deferred(SendFailures.RetryAfter(response.Headers, time), "asked us to slow down (429)");
            }

            if ((int)response.StatusCode >= 500)
            {
                return new DeliveryResult.Unknown(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            string code = await ReadAsync(response, "code", cancellationToken) ?? ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return code switch
            {
                "20003" => new DeliveryResult.Deferred(null, "Twilio refused the credentials", Permanent: true),
                // 21610: the recipient replied STOP; 21211/21614: not a valid mobile. Never try them again.
                "21610" or "21211" or "21614" => new DeliveryResult.Rejected(code, Suppress: true),
                _ => new DeliveryResult.Rejected(code, Suppress: false),
            };
        }
    }

    private static async Task<string?> ReadAsync(HttpResponseMessage response, string property, CancellationToken cancellationToken)
    {
        try
        {
            using JsonDocument json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            return json.RootElement.TryGetProperty(property, out JsonElement value)
                ? value.ValueKind == JsonValueKind.Number ? value.GetRawText() : value.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>SMS through Twilio, one request per message, paced by a shared rate limiter.</summary>
internal sealed partial class TwilioSmsChannel(
    TwilioSmsClient twilio, SmsRateLimiter limiter, IOptions<AlertingOptions> alerting, ILogger<TwilioSmsChannel> logger) : IAlertChannel
{
    public Supporters.Channel Kind => Supporters.Channel.Sms;

    /// <summary>One at a time: each SMS is its own request, reserved in the ledger just before it is made.</summary>
    public int MaxMessagesPerCall => 1;

    public async Task<IReadOnlyList<DeliveryResult>> SendAsync(
        CampaignContent campaign, string campaignId, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
    {
        var results = new List<DeliveryResult>(messages.Count);
        foreach (OutgoingMessage message in messages)
        {
            using System.Threading.RateLimiting.RateLimitLease lease = await limiter.Limiter.AcquireAsync(1, cancellationToken);
            var callback = new Uri(alerting.Value.PublicBaseUrl, "api/hooks/twilio/status?d=" + Uri.EscapeDataString(message.DeliveryId));
            DeliveryResult result = await twilio.SendAsync(message.Address, message.SmsBody!, callback, cancellationToken);
            LogOutcome(logger, message.SupporterId, result is DeliveryResult.Accepted ? "accepted" : result is DeliveryResult.Rejected ? "rejected" : result is DeliveryResult.Deferred ? "deferred" : "unknown");
            results.Add(result);
        }

        return results;
    }

    [LoggerMessage(EventId = 5201, Level = LogLevel.Debug, Message = "SMS to supporter {SupporterId}: {Outcome}")]
    private static partial void LogOutcome(ILogger logger, string supporterId, string outcome);
}

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
