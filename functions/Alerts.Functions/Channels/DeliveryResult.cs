namespace Alerts.Channels;

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
