using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Alerts.Fakes;

/// <summary>
/// A loopback SendGrid v3 <c>/v3/mail/send</c> that checks each request's real shape (bearer key,
/// ≤ 1000 personalizations, each address once, one-click unsubscribe headers, our ids in custom args)
/// and fails on demand. "Delivered" records what a real SendGrid would have queued, including requests
/// it then answered ambiguously (500, or too late), which is the worst case for duplicates.
/// </summary>
public sealed class FakeSendGrid : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<FakeReply?>> _script = new();
    private int _requests;

    private FakeSendGrid(WebApplication app) => _app = app;

    public Uri Host { get; private set; } = null!;

    public const string ApiKey = "SG.test-key-for-the-loopback-fake";

    public int Requests => _requests;

    /// <summary>Added to every answer, to stand for the network and SendGrid's own time (benchmarks).</summary>
    public TimeSpan Latency { get; set; }

    public ConcurrentBag<string> ShapeErrors { get; } = [];

    /// <summary>Every recipient SendGrid took, with the delivery id and the personalised values it got.</summary>
    public ConcurrentQueue<(string Email, string DeliveryId, JsonObject Personalization)> Delivered { get; } = new();

    /// <summary>
    /// When set, each accepted address goes here instead of into <see cref="Delivered"/>. The benchmark
    /// tallies this way: a kept personalization holds its whole request body, so the process's heap would
    /// grow with N and hide whether the app's own memory stays flat.
    /// </summary>
    public Action<string>? OnAccepted { get; set; }

    /// <summary>Replies for the next requests, in order; null or an empty script means 202.</summary>
    public void Then(FakeReply reply) => _script.Enqueue(() => reply);

    public static async Task<FakeSendGrid> StartAsync()
    {
        WebApplication app = LoopbackServer.Create();
        var fake = new FakeSendGrid(app);
        app.MapPost("/v3/mail/send", fake.SendAsync);
        await app.StartAsync();
        fake.Host = new Uri(LoopbackServer.Address(app));
        return fake;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task SendAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        FakeReply reply = _script.TryDequeue(out var next) ? next() ?? FakeReply.Accepted : FakeReply.Accepted;
        if (context.Request.Headers.Authorization != "Bearer " + ApiKey)
        {
            context.Response.StatusCode = 401;
            return;
        }

        JsonObject body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        JsonArray personalizations = body["personalizations"]!.AsArray();
        Check(personalizations.Count is > 0 and <= 1000, $"{personalizations.Count} personalizations");
        Check(body["from"]?["email"] is not null, "no from");
        bool subjectEverywhere = body["subject"] is not null || personalizations.All(p => p!["subject"] is not null);
        Check(body["template_id"] is not null || (subjectEverywhere && body["content"]?.AsArray().Count == 2), "no subject or content for every personalization");
        var seen = new HashSet<string>();
        var recipients = new List<(string, string, JsonObject)>();
        foreach (JsonObject p in personalizations.Select(p => p!.AsObject()))
        {
            string email = p["to"]![0]!["email"]!.GetValue<string>();
            Check(p["to"]!.AsArray().Count == 1 && seen.Add(email), "an address twice or several per personalization");
            Check(p["headers"]?["List-Unsubscribe"]?.GetValue<string>() is { } u && u.StartsWith("<https://", StringComparison.Ordinal) && u.EndsWith('>'), "List-Unsubscribe");
            Check(p["headers"]?["List-Unsubscribe-Post"]?.GetValue<string>() == "List-Unsubscribe=One-Click", "List-Unsubscribe-Post");
            Check(p["custom_args"]?["delivery_id"] is not null && p["custom_args"]?["campaign_id"] is not null, "custom_args");
            recipients.Add((email, p["custom_args"]!["delivery_id"]!.GetValue<string>(), p));
        }

        if (reply.Processed)
        {
            foreach (var r in recipients)
            {
                if (OnAccepted is { } tally)
                {
                    tally(r.Item1);
                }
                else
                {
                    Delivered.Enqueue(r);
                }
            }
        }

        if ((reply.Delay ?? TimeSpan.Zero) + Latency is { Ticks: > 0 } delay)
        {
            await Task.Delay(delay);
        }

        if (reply.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        context.Response.StatusCode = reply.Status;
        if (reply.Status == 202)
        {
            context.Response.Headers["X-Message-Id"] = "fake" + Guid.NewGuid().ToString("N")[..10];
        }
        else
        {
            await context.Response.WriteAsJsonAsync(new { errors = new[] { new { message = "fake failure", field = (string?)null } } });
        }
    }

    private void Check(bool condition, string what)
    {
        if (!condition)
        {
            ShapeErrors.Add(what);
        }
    }
}

/// <summary>How a fake provider answers one request, and whether it acted on it before answering.</summary>
public sealed record FakeReply(int Status, bool Processed, TimeSpan? Delay = null, int? RetryAfterSeconds = null, string? TwilioCode = null)
{
    public static FakeReply Accepted { get; } = new(202, true);
}
