using System.Text;
using Microsoft.Net.Http.Headers;

namespace Alerts.Api;

/// <summary>An endpoint that takes a larger body than staff requests usually may (the supporter import).</summary>
internal sealed record RequestBodyLimit(long Bytes);

/// <summary>
/// Limits on what a staff request may send, checked before anything reads it: a body larger than its
/// endpoint allows is a 413 (whether or not it declares its length), and a Content-Type whose charset
/// names no encoding is a 415, not an error half way through reading.
/// </summary>
internal static class StaffRequestLimits
{
    /// <summary>Plenty for a campaign with a long HTML email; far less than anything that could hurt.</summary>
    public const long MaxBodyBytes = 1024 * 1024;

    public static RouteHandlerBuilder AllowsBodyOf(this RouteHandlerBuilder endpoint, long bytes) => endpoint.WithMetadata(new RequestBodyLimit(bytes));

    public static IApplicationBuilder UseStaffRequestLimits(this IApplicationBuilder app) =>
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api/v1") || context.Request.Path.StartsWithSegments("/console"), staff => staff.Use(async (context, next) =>
        {
            long limit = LimitFor(context);
            if (context.Request.ContentLength > limit)
            {
                await WriteProblemAsync(context, StatusCodes.Status413PayloadTooLarge, "The request body is too large.",
                    $"This endpoint takes at most {limit:N0} bytes.");
                return;
            }

            if (context.Request.ContentType is { } contentType && !IsReadable(contentType))
            {
                await WriteProblemAsync(context, StatusCodes.Status415UnsupportedMediaType, "The Content-Type cannot be read.",
                    "Send Content-Type: application/json (or text/csv for an import), with a charset such as utf-8 or none.");
                return;
            }

            context.Request.Body = new LimitedStream(context.Request.Body, limit);
            await next(context);
        }));

    private static bool IsReadable(string contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? parsed))
        {
            return false;
        }

        if (parsed.Charset.HasValue)
        {
            try
            {
                _ = Encoding.GetEncoding(parsed.Charset.Value!.Trim('"'));
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The most the request's endpoint takes.</summary>
    public static long LimitFor(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<RequestBodyLimit>()?.Bytes ?? MaxBodyBytes;

    /// <summary>A limit in the words staff read: "100 MB", "1 MB".</summary>
    public static string InWords(long bytes) => $"{Math.Max(1, bytes / (1024 * 1024))} MB";

    /// <summary>A problem for the staff API; for the console, a page saying the same in words.</summary>
    private static async Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        if (context.Request.Path.StartsWithSegments("/console"))
        {
            await StaffConsole.ConsolePage.RefusedAsync(context, status);
            return;
        }

        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>Reads through to the request body until the limit, then fails the request with 413.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            _read += read;
            return _read > limit
                ? throw new BadHttpRequestException($"The request body is larger than {limit:N0} bytes.", StatusCodes.Status413PayloadTooLarge)
                : read;
        }
    }
}
