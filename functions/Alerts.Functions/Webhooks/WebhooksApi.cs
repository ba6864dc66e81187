using System.Text.Json;
using Alerts.Alerting;
using Microsoft.Extensions.Options;

namespace Alerts.Webhooks;

public sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>SendGrid's Event Webhook verification key: base64 SubjectPublicKeyInfo (Mail Settings → Signed Event Webhook).</summary>
    public string? SendGridPublicKey { get; set; }

    /// <summary>How old a SendGrid signature timestamp may be.</summary>
    public TimeSpan SendGridMaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The largest webhook body read.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Requests a minute each client may make to the anonymous endpoints (webhooks, unsubscribe).</summary>
    public int RequestsPerMinute { get; set; } = 600;
}

/// <summary>Provider webhooks: anonymous, so every request is verified before anything changes.</summary>
internal static partial class WebhooksApi
{
    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder hooks = app.MapGroup("/api/hooks").ExcludeFromDescription().RequireRateLimiting(AnonymousLimits.Policy).DisableAntiforgery();
        hooks.MapPost("/sendgrid", SendGridAsync).WithName("SendGridEvents");
        hooks.MapPost("/twilio/status", TwilioStatusAsync).WithName("TwilioStatus");
        hooks.MapPost("/twilio/inbound", TwilioInboundAsync).WithName("TwilioInbound");
        return app;
    }

    private static async Task<IResult> SendGridAsync(
        HttpRequest request, ProviderEvents events, IOptions<WebhookOptions> options, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (options.Value.SendGridPublicKey is not { Length: > 0 } key)
        {
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The SendGrid webhook key is not configured.");
        }

        byte[]? body = await ReadBodyAsync(request, options.Value.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        string? timestamp = request.Headers[SendGridSignature.TimestampHeader];
        bool fresh = long.TryParse(timestamp, out long seconds)
            && (time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() <= options.Value.SendGridMaxAge;
        if (!fresh || !new SendGridSignature(key).IsValid(request.Headers[SendGridSignature.SignatureHeader], timestamp, body))
        {
            LogRejected(loggers.CreateLogger("Alerts.Webhooks"), "sendgrid");
            return Results.Unauthorized();
        }

        JsonElement parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<JsonElement>(body);
        }
        catch (JsonException)
        {
            return Results.BadRequest();
        }

        if (parsed.ValueKind != JsonValueKind.Array)
        {
            return Results.BadRequest();
        }

        await events.ApplySendGridAsync(parsed, cancellationToken);
        return Results.Ok();
    }

    private static async Task<IResult> TwilioStatusAsync(
        HttpRequest request, ProviderEvents events, IOptions<TwilioOptions> twilio, IOptions<AlertingOptions> alerting, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (await VerifyTwilioAsync(request, twilio.Value, alerting.Value, loggers, cancellationToken) is not { } form)
        {
            return Results.Unauthorized();
        }

        if (request.Query["d"].ToString() is { Length: > 0 } deliveryId)
        {
            await events.ApplyTwilioStatusAsync(deliveryId, form.GetValueOrDefault("MessageStatus"), form.GetValueOrDefault("ErrorCode"), cancellationToken);
        }

        return Results.NoContent();
    }

    private static async Task<IResult> TwilioInboundAsync(
        HttpRequest request, ProviderEvents events, IOptions<TwilioOptions> twilio, IOptions<AlertingOptions> alerting, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (await VerifyTwilioAsync(request, twilio.Value, alerting.Value, loggers, cancellationToken) is not { } form
            || form.GetValueOrDefault("MessageSid") is not { Length: > 0 } sid || form.GetValueOrDefault("From") is not { Length: > 0 } from)
        {
            return Results.Unauthorized();
        }

        await events.ApplyTwilioInboundAsync(sid, from, form.GetValueOrDefault("Body"), form.GetValueOrDefault("OptOutType"), cancellationToken);
        // Empty TwiML: Twilio already sends the standard STOP/START/HELP replies.
        return Results.Content("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>", "text/xml");
    }

    /// <summary>The form parameters of a request Twilio signed, or null for anything forged or unsigned.</summary>
    private static async Task<Dictionary<string, string>?> VerifyTwilioAsync(
        HttpRequest request, TwilioOptions twilio, AlertingOptions alerting, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (twilio.AuthToken is not { Length: > 0 } token || !request.HasFormContentType)
        {
            return null;
        }

        IFormCollection form = await request.ReadFormAsync(cancellationToken);
        var parameters = form.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);

        // Behind the Functions front end our own host name is not the one Twilio called: use the configured public one.
        var url = new Uri(alerting.PublicBaseUrl.GetLeftPart(UriPartial.Authority) + request.PathBase + request.Path + request.QueryString);
        if (!new TwilioSignature(token).IsValidForm(request.Headers[TwilioSignature.Header], url, parameters))
        {
            LogRejected(loggers.CreateLogger("Alerts.Webhooks"), "twilio");
            return null;
        }

        return parameters;
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    [LoggerMessage(EventId = 6201, Level = LogLevel.Warning, Message = "Rejected a {Provider} webhook with a missing, stale or wrong signature")]
    private static partial void LogRejected(ILogger logger, string provider);
}
