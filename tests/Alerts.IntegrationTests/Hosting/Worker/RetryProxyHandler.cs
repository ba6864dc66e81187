namespace Alerts.Hosting.Worker;

/// <summary>
/// What the Functions host does when it forwards an HTTP request to the worker's listener and the connection
/// fails: tries again, up to 10 times, waiting 50 ms and growing to 250 ms (the host's own RetryProxyHandler).
/// The worker reports its listener's address at init, which can be a moment before the listener accepts.
/// </summary>
internal sealed class RetryProxyHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private const int MaxRetries = 10;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        int delay = 50;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException) when (attempt < MaxRetries && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(delay, cancellationToken);
                delay = Math.Min(delay * 2, 250);
            }
        }
    }
}
