using Microsoft.Extensions.Options;
using System.ComponentModel.DataAnnotations;

namespace Alerts.Channels;

public sealed class SendGridOptions
{
    public const string SectionName = "SendGrid";

    /// <summary>Without a key, email goes to the local outbox.</summary>
    public string? ApiKey { get; set; }

    [Required]
    public Uri Host { get; set; } = new("https://api.sendgrid.com");

    /// <summary>One request carries many recipients, so waiting long is cheaper than an ambiguous timeout.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an idle pooled connection is kept: below the provider's own idle timeout, so we never send
    /// on a connection the provider (or a load balancer in front of it) has already dropped.
    /// </summary>
    public TimeSpan ConnectionIdleTimeout { get; set; } = TimeSpan.FromSeconds(15);
}

internal sealed class SendGridOptionsValidator : IValidateOptions<SendGridOptions>
{
    public ValidateOptionsResult Validate(string? name, SendGridOptions options) =>
        options.Host is { IsAbsoluteUri: true, Scheme: "https" or "http" }
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("SendGrid:Host must be an absolute http(s) URL, e.g. https://api.sendgrid.com/.");
}
