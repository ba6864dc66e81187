using System.Net;
using Microsoft.Extensions.Options;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Http;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace Alerts.Channels;

/// <summary>
/// One SMS through the Twilio SDK (<see cref="MessageResource.CreateAsync(CreateMessageOptions, ITwilioRestClient)"/>),
/// sent over the app's typed <see cref="System.Net.Http.HttpClient"/> so its timeout, connection pool, write
/// tracking and base address (<see cref="TwilioBaseAddressHandler"/>) apply, and mapped onto our outcome
/// rules: only what certainly was not sent may be tried again.
/// </summary>
internal sealed class TwilioSmsClient(System.Net.Http.HttpClient http, IOptions<TwilioOptions> options, Hosting.AlertsMetrics metrics, TimeProvider time)
{
    public async Task<DeliveryResult> SendAsync(string to, string body, Uri statusCallback, CancellationToken cancellationToken = default)
    {
        TwilioOptions twilio = options.Value;
        // A client per message costs two small objects (connections belong to the shared HttpClient), and makes
        // LastResponse this message's own: the SDK's exceptions keep the status and code but not the headers,
        // and a 429's Retry-After says when to come back.
        var transport = new SystemNetHttpClient(http);
        bool apiKey = twilio.ApiKeySid is { Length: > 0 };
        var client = new TwilioRestClient(
            apiKey ? twilio.ApiKeySid : twilio.AccountSid, apiKey ? twilio.ApiKeySecret : twilio.AuthToken, twilio.AccountSid, httpClient: transport)
        {
            LogLevel = null, // TWILIO_LOG_LEVEL=debug would print requests, phone numbers and all
        };
        var message = new CreateMessageOptions(new PhoneNumber(to)) { Body = body, StatusCallback = statusCallback };
        if (twilio.MessagingServiceSid is { Length: > 0 } service)
        {
            message.MessagingServiceSid = service;
        }
        else
        {
            message.From = new PhoneNumber(twilio.From);
        }

        long started = time.GetTimestamp();
        try
        {
            // The SDK takes no cancellation token: on cancellation the request is left to finish or time out,
            // and its reservation in the ledger (made before this call) keeps it from being sent again.
            MessageResource sent = await MessageResource.CreateAsync(message, client).WaitAsync(cancellationToken);
            Record(transport);
            return new DeliveryResult.Accepted(sent.Sid);
        }
        catch (ApiConnectionException ex) when (ex.InnerException is { } cause && SendOutcomes.IsFailure(cause, cancellationToken))
        {
            // Twilio has no idempotency key: once the request may have left, a retry could send twice.
            return SendOutcomes.FromFailure(cause);
        }
        catch (ApiException ex)
        {
            Record(transport);
            return Outcome(ex, transport.LastResponse);
        }

        void Record(SystemNetHttpClient sent)
        {
            if (sent.LastResponse is { } response)
            {
                metrics.RecordProviderCall("twilio", response.StatusCode, time.GetElapsedTime(started));
            }
        }
    }

    /// <summary>What Twilio's error answer means: the shared status rules first, then Twilio's own codes.</summary>
    private DeliveryResult Outcome(ApiException error, Response? response)
    {
        HttpStatusCode status = response?.StatusCode ?? (HttpStatusCode)error.Status;
        if (status is >= HttpStatusCode.OK and < HttpStatusCode.Ambiguous)
        {
            // Twilio took the message and its answer could not be read: it is sent, and its status callbacks
            // find it by the delivery id in their URL.
            return new DeliveryResult.Accepted(null);
        }

        if (response is not null && SendOutcomes.FromStatus(status, response.Headers, time) is { } outcome)
        {
            return outcome;
        }

        return error.Code switch
        {
            20003 => new DeliveryResult.Deferred(null, "Twilio refused the credentials", Permanent: true),
            // 21610: the recipient replied STOP; 21211/21614: not a valid mobile. Never try them again.
            21610 or 21211 or 21614 => new DeliveryResult.Rejected(error.Code.ToString(System.Globalization.CultureInfo.InvariantCulture), Suppress: true),
            0 => new DeliveryResult.Rejected(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), Suppress: false),
            _ => new DeliveryResult.Rejected(error.Code.ToString(System.Globalization.CultureInfo.InvariantCulture), Suppress: false),
        };
    }
}
