using System.Net;

namespace Alerts.Channels;

/// <summary>A send that died before its body was written is not sent; one that died after may have been.</summary>
public sealed class WriteTrackingHandlerTests
{
    [Fact]
    public async Task SendAsync_WhenTheConnectionFailsMidBody_SaysTheRequestWasNotSent()
    {
        using var client = new HttpClient(new WriteTrackingHandler { InnerHandler = new Transport(bytesBeforeFailure: 1000) });

        Exception failure = await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.PostAsync(new Uri("http://provider/send"), new ByteArrayContent(new byte[100_000])));

        Assert.IsType<RequestNotSentException>(failure);
        Assert.True(SendOutcomes.CertainlyNotSent(failure));
    }

    [Fact]
    public async Task SendAsync_WhenTheConnectionFailsAfterTheWholeBody_LeavesItAmbiguous()
    {
        using var client = new HttpClient(new WriteTrackingHandler { InnerHandler = new Transport(bytesBeforeFailure: null) });

        Exception failure = await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.PostAsync(new Uri("http://provider/send"), new ByteArrayContent(new byte[100_000])));

        Assert.IsNotType<RequestNotSentException>(failure);
        Assert.False(SendOutcomes.CertainlyNotSent(failure));
    }

    [Fact]
    public async Task SendAsync_WhenAllGoesWell_PassesTheBodyAndHeadersThrough()
    {
        var transport = new Transport(bytesBeforeFailure: null, answer: true);
        using var client = new HttpClient(new WriteTrackingHandler { InnerHandler = transport });
        using var content = new StringContent("{\"a\":1}", System.Text.Encoding.UTF8, "application/json");

        HttpResponseMessage response = await client.PostAsync(new Uri("http://provider/send"), content);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("{\"a\":1}", transport.Received);
        Assert.Equal("application/json", transport.ContentType);
    }

    /// <summary>Writes the request body as a socket would, failing part way (or after reading it all) like a dropped connection.</summary>
    private sealed class Transport(int? bytesBeforeFailure, bool answer = false) : HttpMessageHandler
    {
        public string? Received { get; private set; }

        public string? ContentType { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            ContentType = request.Content!.Headers.ContentType?.MediaType;
            using var socket = new FailingStream(bytesBeforeFailure);
            try
            {
                await request.Content.CopyToAsync(socket, cancellationToken);
            }
            catch (IOException ex)
            {
                throw new HttpRequestException(HttpRequestError.Unknown, "Error while copying content to a stream.", ex);
            }

            Received = System.Text.Encoding.UTF8.GetString(socket.ToArray());
            return answer
                ? new HttpResponseMessage(HttpStatusCode.Accepted)
                : throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely.");
        }
    }

    private sealed class FailingStream(int? limit) : MemoryStream
    {
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (limit is { } max && Length + buffer.Length > max)
            {
                throw new IOException("Unable to write data to the transport connection: Broken pipe.");
            }

            return base.WriteAsync(buffer, cancellationToken);
        }
    }
}
