using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Alerts.Fakes;

/// <summary>
/// SendGrid's <c>POST /v3/mail/send</c> behind a load balancer that forgets idle connections: a request
/// arriving on a connection idle longer than <see cref="IdleTimeout"/> is answered with a reset, never
/// read, never acted on. The client sees no close beforehand, as with a real balancer's expired flow. A
/// raw TCP server, since Kestrel always closes idle connections politely (and .NET notices that).
/// </summary>
public sealed class IdleDroppingSendGrid : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private int _accepted;
    private int _dropped;

    private IdleDroppingSendGrid(TimeSpan idleTimeout)
    {
        IdleTimeout = idleTimeout;
        _listener.Start();
        Host = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _ = AcceptAsync();
    }

    public TimeSpan IdleTimeout { get; }

    public Uri Host { get; }

    /// <summary>Recipients taken, counted from the requests' personalizations.</summary>
    public int Accepted => _accepted;

    /// <summary>Requests reset because they came on a connection idle too long.</summary>
    public int Dropped => _dropped;

    public static IdleDroppingSendGrid Start(TimeSpan idleTimeout) => new(idleTimeout);

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            NetworkStream stream = client.GetStream();
            DateTime lastActivity = DateTime.UtcNow;
            while (await ReadHeadersAsync(stream) is { Length: > 0 } headers)
            {
                if (DateTime.UtcNow - lastActivity > IdleTimeout)
                {
                    Interlocked.Increment(ref _dropped);
                    client.Client.LingerState = new LingerOption(true, 0); // a reset, as for a flow the balancer forgot
                    return;
                }

                int length = int.Parse(headers.Split("\r\n").First(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))[15..].Trim(),
                    System.Globalization.CultureInfo.InvariantCulture);
                byte[] body = new byte[length];
                await stream.ReadExactlyAsync(body);
                Interlocked.Add(ref _accepted, CountOccurrences(Encoding.UTF8.GetString(body), "\"to\":"));
                await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 202 Accepted\r\nX-Message-Id: idle-fake\r\nContent-Length: 0\r\n\r\n"));
                lastActivity = DateTime.UtcNow;
            }
        }
    }

    private static int CountOccurrences(string text, string what)
    {
        int count = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static async Task<string> ReadHeadersAsync(NetworkStream stream)
    {
        var headers = new StringBuilder();
        byte[] one = new byte[1];
        while (!headers.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            try
            {
                if (await stream.ReadAsync(one) == 0)
                {
                    return string.Empty;
                }
            }
            catch (IOException)
            {
                return string.Empty;
            }

            headers.Append((char)one[0]);
        }

        return headers.ToString();
    }
}
