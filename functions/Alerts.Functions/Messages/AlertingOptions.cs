using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Alerts.Messages;

public sealed class AlertingOptions
{
    public const string SectionName = "Alerting";

    /// <summary>Named in every message (PECR reg 23: never disguise the sender).</summary>
    [Required, StringLength(60, MinimumLength = 2)]
    public string CharityName { get; set; } = string.Empty;

    /// <summary>The public address of this app (the function app's URL), for unsubscribe links and webhook callbacks.</summary>
    [Required]
    public Uri PublicBaseUrl { get; set; } = null!;

    [Required, EmailAddress]
    public string FromEmail { get; set; } = string.Empty;

    /// <summary>Recipients per SendGrid request (and per dispatch batch): SendGrid's ceiling is 1000.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 1000;

    /// <summary>SMS sent per second (Twilio UK long codes take about 10 segments a second).</summary>
    [Range(1, 400)]
    public int SmsPerSecond { get; set; } = 10;

    /// <summary>No SMS between these local (Europe/London) times; batches wait until the end.</summary>
    public TimeOnly SmsQuietHoursStart { get; set; } = new(21, 0);

    public TimeOnly SmsQuietHoursEnd { get; set; } = new(8, 0);

    /// <summary>
    /// How long a batch keeps waiting for a provider that answers 429 or cannot be reached (it is tried
    /// again with growing delays meanwhile); after that its recipients are recorded as failed, so the
    /// campaign finishes and says so, instead of sending forever.
    /// </summary>
    public TimeSpan DeferredGiveUpAfter { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// When true, nobody approves a campaign they drafted themselves (compared by staff key or Entra account;
    /// a rule's drafts count as drafted by whoever set the rule up): a second person checks every send.
    /// </summary>
    public bool RequireSecondApprover { get; set; }

    /// <summary>Key for signing unsubscribe links: base64 of at least 32 random bytes. Secret.</summary>
    [Required]
    public string UnsubscribeSigningKey { get; set; } = string.Empty;
}

internal sealed class AlertingOptionsValidator : IValidateOptions<AlertingOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertingOptions options)
    {
        var failures = new List<string>();
        if (options.PublicBaseUrl is not { IsAbsoluteUri: true, Scheme: "https" or "http" })
        {
            failures.Add("Alerting:PublicBaseUrl must be the app's public https URL (http only for a local run), e.g. https://func-alerts.azurewebsites.net/.");
        }

        try
        {
            if (Convert.FromBase64String(options.UnsubscribeSigningKey).Length < 32)
            {
                failures.Add("Alerting:UnsubscribeSigningKey must be base64 of at least 32 random bytes.");
            }
        }
        catch (FormatException)
        {
            failures.Add("Alerting:UnsubscribeSigningKey is not base64 (generate one with `openssl rand -base64 32`).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
