using System.Net.Http.Headers;
using System.Net;
using System.Text.Json;
using System.Text;
using Microsoft.Extensions.Options;

namespace Alerts.Channels;

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
