using Microsoft.Extensions.Options;
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

internal sealed class TwilioOptionsValidator : IValidateOptions<TwilioOptions>
{
    public ValidateOptionsResult Validate(string? name, TwilioOptions options)
    {
        if (!options.IsConfigured)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        bool apiKey = !string.IsNullOrWhiteSpace(options.ApiKeySid) && !string.IsNullOrWhiteSpace(options.ApiKeySecret);
        if (string.IsNullOrWhiteSpace(options.AuthToken))
        {
            failures.Add("Twilio:AuthToken is required with Twilio:AccountSid: webhooks are signed with it.");
        }

        if (string.IsNullOrWhiteSpace(options.MessagingServiceSid) == string.IsNullOrWhiteSpace(options.From))
        {
            failures.Add("Set exactly one of Twilio:MessagingServiceSid and Twilio:From.");
        }

        if (!apiKey && (!string.IsNullOrWhiteSpace(options.ApiKeySid) || !string.IsNullOrWhiteSpace(options.ApiKeySecret)))
        {
            failures.Add("Twilio:ApiKeySid and Twilio:ApiKeySecret go together.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
