using Alerts.Supporters;

namespace Alerts.Alerting;

/// <summary>One message to one recipient, addressed and personalised; <paramref name="SmsBody"/> is the finished SMS.</summary>
internal sealed record OutgoingMessage(string DeliveryId, string SupporterId, string Address, string? Name, Personalisation Values, string? SmsBody = null);

/// <summary>What a provider did with one message. Recipient-level outcomes are values; only bugs throw.</summary>
internal abstract record DeliveryResult
{
    /// <summary>The provider took it.</summary>
    public sealed record Accepted(string? ProviderId) : DeliveryResult;

    /// <summary>The provider refused it for good (invalid number, opted out at the carrier, bad request).</summary>
    public sealed record Rejected(string Code, bool Suppress) : DeliveryResult;

    /// <summary>
    /// Certainly not sent (429, or no connection was made): safe to send later. <paramref name="Permanent"/>
    /// when waiting will not help (the provider refused our credentials): staff must act first.
    /// </summary>
    public sealed record Deferred(TimeSpan? RetryAfter, string Reason, bool Permanent = false) : DeliveryResult;

    /// <summary>The request may have been processed (timeout, 5xx, connection lost after sending): never re-sent automatically.</summary>
    public sealed record Unknown(string Reason) : DeliveryResult;
}

/// <summary>A way of reaching supporters: SendGrid, Twilio, or the local outbox when they are not configured.</summary>
internal interface IAlertChannel
{
    Channel Kind { get; }

    /// <summary>How many messages one call may take (one SendGrid request carries up to 1000).</summary>
    int MaxMessagesPerCall { get; }

    /// <summary>Sends the messages; returns one result per message, in order.</summary>
    Task<IReadOnlyList<DeliveryResult>> SendAsync(CampaignContent campaign, string campaignId, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default);
}

internal static class SendFailures
{
    /// <summary>
    /// Whether an exception from sending proves the request never reached the provider: a failure to connect,
    /// or to write the whole request (<see cref="WriteTrackingHandler"/>). Anything after the request was
    /// written may have been processed.
    /// </summary>
    public static bool CertainlyNotSent(Exception exception) =>
        exception is RequestNotSentException
        || exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError };

    public static TimeSpan? RetryAfter(System.Net.Http.Headers.HttpResponseHeaders headers, TimeProvider time)
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
