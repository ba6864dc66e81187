namespace Alerts.Channels;

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
