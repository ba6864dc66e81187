using System.ComponentModel.DataAnnotations;

namespace Alerts.Channels;

public sealed class TwilioOptions
{
    public const string SectionName = "Twilio";

    /// <summary>The account (AC…). Without it, SMS goes to the local outbox.</summary>
    public string? AccountSid { get; set; }

    /// <summary>The primary auth token: signs webhooks, and authenticates sends when no API key is set.</summary>
    public string? AuthToken { get; set; }

    public string? ApiKeySid { get; set; }

    public string? ApiKeySecret { get; set; }

    public string? MessagingServiceSid { get; set; }

    public string? From { get; set; }

    /// <summary>Whether recipients can reply STOP (false for an alphanumeric sender ID: a link is added instead).</summary>
    public bool SenderAcceptsReplies { get; set; } = true;

    [Required]
    public Uri BaseAddress { get; set; } = new("https://api.twilio.com/2010-04-01/");

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an idle pooled connection is kept (see <see cref="SendGridOptions.ConnectionIdleTimeout"/>).</summary>
    public TimeSpan ConnectionIdleTimeout { get; set; } = TimeSpan.FromSeconds(15);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(AccountSid);
}
