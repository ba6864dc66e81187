using System.Net.Http.Headers;
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
            metrics.RecordProviderCall("twilio", response.StatusCode, time.GetElapsedTime(started));
        }
        catch (Exception ex) when (SendOutcomes.IsFailure(ex, cancellationToken))
        {
            // Twilio has no idempotency key: once the request may have left, a retry could send twice.
            return SendOutcomes.FromFailure(ex);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return new DeliveryResult.Accepted(await ReadAsync(response, "sid", cancellationToken));
            }

            if (SendOutcomes.FromStatus(response.StatusCode, response.Headers, time) is { } outcome)
            {
                return outcome;
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
