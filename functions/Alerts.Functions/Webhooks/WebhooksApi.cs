using System.Text.Json;
using Alerts.Channels;
using Alerts.Messages;
using Microsoft.Extensions.Options;

namespace Alerts.Webhooks;

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
            return Unsigned();
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
        HttpRequest request, ProviderEvents events, IOptions<TwilioOptions> twilio, IOptions<AlertingOptions> alerting, IOptions<WebhookOptions> options,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        TwilioForm form = await VerifyTwilioAsync(request, twilio.Value, alerting.Value, options.Value, loggers, cancellationToken);
        if (form.Refused is { } refused)
        {
            return refused;
        }

        if (request.Query["d"].ToString() is { Length: > 0 } deliveryId)
        {
            await events.ApplyTwilioStatusAsync(deliveryId, form.Get("MessageStatus"), form.Get("ErrorCode"), cancellationToken);
        }

        return Results.NoContent();
    }

    private static async Task<IResult> TwilioInboundAsync(
        HttpRequest request, ProviderEvents events, IOptions<TwilioOptions> twilio, IOptions<AlertingOptions> alerting, IOptions<WebhookOptions> options,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        TwilioForm form = await VerifyTwilioAsync(request, twilio.Value, alerting.Value, options.Value, loggers, cancellationToken);
        if (form.Refused is { } refused)
        {
            return refused;
        }

        // Signed, but still checked: the sid becomes a table key.
        if (form.Get("MessageSid") is not { } sid || !MessageSid().IsMatch(sid) || form.Get("From") is not { Length: > 0 } from)
        {
            return Results.BadRequest();
        }

        await events.ApplyTwilioInboundAsync(sid, from, form.Get("Body"), form.Get("OptOutType"), cancellationToken);
        // Empty TwiML: Twilio already sends the standard STOP/START/HELP replies.
        return Results.Content("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>", "text/xml");
    }

    /// <summary>
    /// The form parameters of a request Twilio signed, or the answer to give: 413 for a body over the limit,
    /// 400 for one that is not a form, 401 for anything forged or unsigned. The body is read (within the
    /// limit) and parsed by us, before the signature is checked and before anything else looks at it.
    /// </summary>
    private static async Task<TwilioForm> VerifyTwilioAsync(
        HttpRequest request, TwilioOptions twilio, AlertingOptions alerting, WebhookOptions options, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        byte[]? body = await ReadBodyAsync(request, options.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return TwilioForm.Refuse(Results.StatusCode(StatusCodes.Status413PayloadTooLarge));
        }

        if (twilio.AuthToken is not { Length: > 0 } token)
        {
            return TwilioForm.Refuse(Unsigned());
        }

        Dictionary<string, string> parameters;
        try
        {
            using var reader = new Microsoft.AspNetCore.WebUtilities.FormReader(System.Text.Encoding.UTF8.GetString(body))
            {
                KeyLengthLimit = 256,
                ValueCountLimit = 200,
                ValueLengthLimit = options.MaxBodyBytes,
            };
            parameters = (await reader.ReadFormAsync(cancellationToken)).ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
        }
        catch (InvalidDataException)
        {
            return TwilioForm.Refuse(Results.BadRequest());
        }

        // Behind the Functions front end our own host name is not the one Twilio called: use the configured public one.
        // Twilio's own validator: HMAC-SHA1 over the URL and the sorted parameters, with and without the default port.
        string url = alerting.PublicBaseUrl.GetLeftPart(UriPartial.Authority) + request.PathBase + request.Path + request.QueryString;
        if (request.Headers[TwilioSignatureHeader].ToString() is not { Length: > 0 } signature
            || !new Twilio.Security.RequestValidator(token).Validate(url, parameters, signature))
        {
            LogRejected(loggers.CreateLogger("Alerts.Webhooks"), "twilio");
            return TwilioForm.Refuse(Unsigned());
        }

        return new TwilioForm(null, parameters);
    }

    private const string TwilioSignatureHeader = "X-Twilio-Signature";

    /// <summary>401 for a webhook without a valid signature, naming what authenticates one (RFC 9110 §11.6.1).</summary>
    private static UnsignedResult Unsigned() => new();

    private sealed class UnsignedResult : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status401Unauthorized;
            httpContext.Response.Headers.WWWAuthenticate = "Signature realm=\"provider webhooks\"";
            return Task.CompletedTask;
        }
    }

    /// <summary>A Twilio request's parameters once verified, or the answer that refuses it.</summary>
    private sealed record TwilioForm(IResult? Refused, IReadOnlyDictionary<string, string> Parameters)
    {
        public static TwilioForm Refuse(IResult answer) => new(answer, new Dictionary<string, string>());

        public string? Get(string name) => Parameters.GetValueOrDefault(name);
    }

    [System.Text.RegularExpressions.GeneratedRegex("^(SM|MM)[0-9a-fA-F]{32}$")]
    private static partial System.Text.RegularExpressions.Regex MessageSid();

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
