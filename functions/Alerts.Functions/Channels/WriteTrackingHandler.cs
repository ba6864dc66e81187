using System.Net;

namespace Alerts.Channels;

/// <summary>
/// A send that failed before its whole body was written: the provider cannot have acted on it (a request
/// is only processed once it has all arrived), so it is safe to send again.
/// </summary>
internal sealed class RequestNotSentException(HttpRequestException inner)
    : HttpRequestException(HttpRequestError.ConnectionError, "The request failed before its body was written; the provider did not receive it.", inner);

/// <summary>
/// Watches whether each outgoing request body was written to the end. .NET reports a connection that dies
/// mid-request the same way ("the response ended prematurely", "broken pipe") whether or not the request
/// had gone out; this tells the two apart, so only a request that may have reached the provider is
/// recorded unknown.
/// </summary>
internal sealed class WriteTrackingHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is not { } content)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var tracked = new TrackedContent(content);
        request.Content = tracked;
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex) when (!tracked.Written)
        {
            throw new RequestNotSentException(ex);
        }
    }

    private sealed class TrackedContent : HttpContent
    {
        private readonly HttpContent _inner;
        private volatile bool _written;

        public TrackedContent(HttpContent inner)
        {
            _inner = inner;
            foreach (KeyValuePair<string, IEnumerable<string>> header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        public bool Written => _written;

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            await SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await _inner.CopyToAsync(stream, context, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            _written = true;
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _inner.Headers.ContentLength ?? -1;
            return length >= 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
