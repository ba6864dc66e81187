using System.Net;
using System.Net.Http.Headers;

namespace Alerts.Channels;

/// <summary>
/// What a provider call's failure or status means for its messages: the rule that keeps "never twice".
/// Only what certainly never reached the provider is deferred (sent again later); anything that may have
/// reached it is unknown. Each provider adds only its own error codes on top.
/// </summary>
internal static class SendOutcomes
{
    /// <summary>
    /// Whether an exception is the call failing (rather than the caller cancelling it). Use as the filter of the
    /// catch that hands the exception to <see cref="FromFailure"/>.
    /// </summary>
    public static bool IsFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is HttpRequestException || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested);

    /// <summary>
    /// Connection refused or not written to the end: deferred. A timeout or a connection lost once the request
    /// was written: unknown, since the provider may have acted on it.
    /// </summary>
    public static DeliveryResult FromFailure(Exception exception) =>
        CertainlyNotSent(exception) ? new DeliveryResult.Deferred(null, "could not be reached")
        : exception is TaskCanceledException ? new DeliveryResult.Unknown("timeout")
        : new DeliveryResult.Unknown("connection lost");

    /// <summary>
    /// The outcome an HTTP status decides whatever the provider: 429 is deferred (honouring its wait), a 5xx is
    /// unknown. Null for everything else: success and the provider's own 4xx codes are the provider's to read.
    /// </summary>
    public static DeliveryResult? FromStatus(HttpStatusCode status, HttpResponseHeaders headers, TimeProvider time) => status switch
    {
        HttpStatusCode.TooManyRequests => new DeliveryResult.Deferred(RetryAfter(headers, time), "asked us to slow down (429)"),
        >= HttpStatusCode.InternalServerError => new DeliveryResult.Unknown(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        _ => null,
    };

    /// <summary>
    /// Whether an exception from sending proves the request never reached the provider: a failure to connect,
    /// or to write the whole request (<see cref="WriteTrackingHandler"/>). Anything after the request was
    /// written may have been processed.
    /// </summary>
    public static bool CertainlyNotSent(Exception exception) =>
        exception is RequestNotSentException
        || exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError };

    public static TimeSpan? RetryAfter(HttpResponseHeaders headers, TimeProvider time)
    {
        if (headers.RetryAfter is { } retry)
        {
            return retry.Delta ?? (retry.Date - time.GetUtcNow());
        }

        // SendGrid documents X-RateLimit-Reset (epoch seconds) rather than Retry-After.
        return headers.TryGetValues("X-RateLimit-Reset", out IEnumerable<string>? values)
               && long.TryParse(values.FirstOrDefault(), out long reset)
            ? DateTimeOffset.FromUnixTimeSeconds(reset) - time.GetUtcNow()
            : null;
    }
}
