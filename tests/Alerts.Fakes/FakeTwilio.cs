using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Alerts.Fakes;

/// <summary>
/// A loopback Twilio <c>POST /2010-04-01/Accounts/{AccountSid}/Messages.json</c>: form-encoded, Basic auth,
/// 201 with a message resource, or Twilio's error body (<c>{"code":21610,…}</c>), scripted per request.
/// </summary>
public sealed class FakeTwilio : IAsyncDisposable
{
    public const string AccountSid = "ACtest0000000000000000000000000000";
    public const string AuthToken = "test-auth-token";
    public const string MessagingServiceSid = "MGtest000000000000000000000000000";
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<int, FakeReply> _script = new();
    private int _requests;

    private FakeTwilio(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public int Requests => _requests;

    public ConcurrentBag<string> ShapeErrors { get; } = [];

    public ConcurrentQueue<(string To, string Body, string Callback)> Delivered { get; } = new();

    /// <summary>Added to every answer, as network and API time would be.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>When each request arrived (<see cref="System.Diagnostics.Stopwatch"/> timestamps), for measuring a sender's pace.</summary>
    public ConcurrentQueue<long> Arrivals { get; } = new();

    /// <summary>Answers request number <paramref name="n"/> (1-based) this way.</summary>
    public void OnRequest(int n, FakeReply reply) => _script[n] = reply;

    public static async Task<FakeTwilio> StartAsync()
    {
        WebApplication app = LoopbackServer.Create();
        var fake = new FakeTwilio(app);
        app.MapPost("/2010-04-01/Accounts/{account}/Messages.json", fake.SendAsync);
        await app.StartAsync();
        fake.BaseAddress = new Uri(LoopbackServer.Address(app) + "/2010-04-01/");
        return fake;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task SendAsync(string account, HttpContext context)
    {
        Arrivals.Enqueue(System.Diagnostics.Stopwatch.GetTimestamp());
        int n = Interlocked.Increment(ref _requests);
        string expectedAuth = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}"));
        if (account != AccountSid || context.Request.Headers.Authorization != expectedAuth)
        {
            context.Response.StatusCode = 401;
            await context.Response.WriteAsJsonAsync(new { code = 20003, message = "Authenticate", status = 401 });
            return;
        }

        IFormCollection form = await context.Request.ReadFormAsync();
        string to = form["To"].ToString(), body = form["Body"].ToString(), callback = form["StatusCallback"].ToString();
        if (!to.StartsWith("+44", StringComparison.Ordinal) || body.Length == 0 || form["MessagingServiceSid"] != MessagingServiceSid
            || !callback.StartsWith("https://", StringComparison.Ordinal) || !callback.Contains("?d=", StringComparison.Ordinal))
        {
            ShapeErrors.Add($"request {n}: To/Body/MessagingServiceSid/StatusCallback");
        }

        FakeReply reply = _script.TryGetValue(n, out FakeReply? scripted) ? scripted : new FakeReply(201, true);
        if (reply.Processed)
        {
            Delivered.Enqueue((to, body, callback));
        }

        if ((reply.Delay ?? TimeSpan.Zero) + Latency is { Ticks: > 0 } delay)
        {
            await Task.Delay(delay, context.RequestAborted);
        }

        if (reply.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        context.Response.StatusCode = reply.Status;
        if (reply.Status == 201)
        {
            await context.Response.WriteAsJsonAsync(new { sid = "SM" + Guid.NewGuid().ToString("N"), status = "accepted", to, num_segments = "1" });
        }
        else
        {
            await context.Response.WriteAsJsonAsync(new { code = int.Parse(reply.TwilioCode ?? "20500", System.Globalization.CultureInfo.InvariantCulture), message = "fake", status = reply.Status });
        }
    }
}
