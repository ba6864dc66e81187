using System.Net;
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

    /// <summary>
    /// Proxies in front of the app whose <c>X-Forwarded-For</c> is believed (addresses or networks, comma
    /// separated). Under the Functions host, the host on loopback is trusted without being listed.
    /// </summary>
    public string? TrustedProxies { get; set; }

    internal IReadOnlyList<IPNetwork> TrustedProxyNetworks => _networks ??= ClientAddress.ParseNetworks(TrustedProxies, out _) ?? [];

    private IReadOnlyList<IPNetwork>? _networks;
}

internal sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var failures = new List<string>();
        if (options.RequestsPerMinute is < 1 or > 1_000_000)
        {
            failures.Add("Webhooks:RequestsPerMinute must be from 1 to 1,000,000.");
        }

        if (options.MaxBodyBytes is < 1024 or > 16 * 1024 * 1024)
        {
            failures.Add("Webhooks:MaxBodyBytes must be from 1024 to 16777216 (16 MiB).");
        }

        if (options.SendGridMaxAge <= TimeSpan.Zero || options.SendGridMaxAge > TimeSpan.FromDays(1))
        {
            failures.Add("Webhooks:SendGridMaxAge must be more than zero and at most a day.");
        }

        if (options.SendGridPublicKey is { Length: > 0 } key && !IsPublicKey(key))
        {
            failures.Add("Webhooks:SendGridPublicKey must be SendGrid's base64 verification key (SubjectPublicKeyInfo, no PEM armour).");
        }

        if (ClientAddress.ParseNetworks(options.TrustedProxies, out string? bad) is null)
        {
            failures.Add($"Webhooks:TrustedProxies: '{bad}' is not an IP address or network (e.g. 10.0.0.4 or 10.1.0.0/16).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsPublicKey(string base64)
    {
        try
        {
            using var ecdsa = System.Security.Cryptography.ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(Convert.FromBase64String(base64), out _);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}
