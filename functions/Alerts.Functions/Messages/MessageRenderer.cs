using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Alerts.Campaigns;
using Alerts.Channels;
using Alerts.Supporters;
using Microsoft.Extensions.Options;

namespace Alerts.Messages;

/// <summary>One recipient's values for the placeholders.</summary>
internal sealed record Personalisation(IReadOnlyDictionary<string, string> Values);

/// <summary>Fills templates for one recipient and adds what every message must carry: the charity's name and an opt-out.</summary>
internal sealed partial class MessageRenderer(IOptions<AlertingOptions> options, IOptions<TwilioOptions> twilio, UnsubscribeLinks unsubscribe)
{
    public Personalisation For(Supporter supporter, Channel channel, CampaignContent content) => new(new Dictionary<string, string>
    {
        ["first_name"] = supporter.FirstName ?? "friend",
        ["mp_name"] = supporter.MpName ?? "your MP",
        ["constituency"] = supporter.Constituency ?? "your constituency",
        ["bill_title"] = content.Bill?.Title ?? string.Empty,
        ["stage"] = content.Bill?.Stage ?? string.Empty,
        ["sitting_date"] = content.Bill?.SittingDate?.ToString("dddd d MMMM", CultureInfo.GetCultureInfo("en-GB")) ?? "soon",
        ["action_link"] = content.ActionLink?.ToString() ?? string.Empty,
        ["unsubscribe_link"] = unsubscribe.For(supporter.Id, channel).ToString(),
        ["charity_name"] = options.Value.CharityName,
    });

    public static Personalisation Sample(CampaignContent content, Uri unsubscribeLink, string charityName) => new(new Dictionary<string, string>
    {
        ["first_name"] = "Sam",
        ["mp_name"] = "Jane Smith",
        ["constituency"] = "Cardiff East",
        ["bill_title"] = content.Bill?.Title ?? "the bill",
        ["stage"] = content.Bill?.Stage ?? "report stage",
        ["sitting_date"] = content.Bill?.SittingDate?.ToString("dddd d MMMM", CultureInfo.GetCultureInfo("en-GB")) ?? "Tuesday",
        ["action_link"] = content.ActionLink?.ToString() ?? string.Empty,
        ["unsubscribe_link"] = unsubscribeLink.ToString(),
        ["charity_name"] = charityName,
    });

    public static string Fill(string template, Personalisation values, bool html = false) =>
        Placeholder().Replace(template, m => values.Values.TryGetValue(m.Groups[1].Value, out string? value)
            ? (html ? WebUtility.HtmlEncode(value) : value)
            : m.Value);

    /// <summary>The SMS as sent: named sender, the text, and a way out (reply STOP, or a link for one-way senders).</summary>
    public string Sms(string template, Personalisation values)
    {
        string body = Fill(template, values).Trim();
        string charity = options.Value.CharityName;
        if (!body.Contains(charity, StringComparison.OrdinalIgnoreCase))
        {
            body = $"{charity}: {body}";
        }

        return twilio.Value.SenderAcceptsReplies
            ? body + " Reply STOP to opt out."
            : body + " Opt out: " + values.Values["unsubscribe_link"];
    }

    /// <summary>Unknown placeholders, and templates that lack what the law and our invariants require.</summary>
    public static Dictionary<string, string[]> Validate(CampaignContent content)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(content.Name) || content.Name.Length > 200)
        {
            errors["name"] = ["1 to 200 characters."];
        }

        if (string.IsNullOrWhiteSpace(content.SegmentId))
        {
            errors["segmentId"] = ["Choose the segment to send to."];
        }

        if (content.Channels.Count == 0)
        {
            errors["channels"] = ["Choose email, sms or both."];
        }

        if (content.Channels.Contains(Channel.Email))
        {
            EmailContent? email = content.Email;
            if (email is null || (email.TemplateId is null && (string.IsNullOrWhiteSpace(email.Subject) || string.IsNullOrWhiteSpace(email.Html) || string.IsNullOrWhiteSpace(email.Text))))
            {
                errors["email"] = ["Give a SendGrid templateId, or a subject, html and text."];
            }
            else if (email.TemplateId is null && !(email.Html!.Contains("{{unsubscribe_link}}", StringComparison.Ordinal) && email.Text!.Contains("{{unsubscribe_link}}", StringComparison.Ordinal)))
            {
                errors["email"] = ["Both bodies must show the {{unsubscribe_link}}."];
            }
            else if (email.TemplateId is { } id && !id.StartsWith("d-", StringComparison.Ordinal))
            {
                errors["email.templateId"] = ["A dynamic template id starts with d-."];
            }
        }

        if (content.Channels.Contains(Channel.Sms) && string.IsNullOrWhiteSpace(content.Sms))
        {
            errors["sms"] = ["Give the SMS text."];
        }
        else if (content.Sms is { Length: > 1000 })
        {
            errors["sms"] = ["At most 1000 characters before personalisation."];
        }

        // Lengths that keep a campaign well inside what one table row holds, and inside what a mail client shows.
        foreach ((string field, string? text, int max) in new (string, string?, int)[]
                 {
                     ("email.subject", content.Email?.Subject, 300), ("email.html", content.Email?.Html, 100_000), ("email.text", content.Email?.Text, 50_000),
                     ("email.templateId", content.Email?.TemplateId, 100), ("actionLink", content.ActionLink?.OriginalString, 2_000),
                     ("bill.title", content.Bill?.Title, 300), ("bill.stage", content.Bill?.Stage, 200), ("bill.house", content.Bill?.House, 20), ("bill.eventId", content.Bill?.EventId, 200),
                 })
        {
            if (text is { Length: var length } && length > max)
            {
                errors[field] = [$"At most {max:N0} characters."];
            }
        }

        if (content.ActionLink is { IsAbsoluteUri: false } or { Scheme: not ("https" or "http") })
        {
            errors["actionLink"] = ["An absolute http or https address, e.g. https://example.org/act."];
        }

        foreach ((string field, string? text) in new[] { ("sms", content.Sms), ("email.subject", content.Email?.Subject), ("email.html", content.Email?.Html), ("email.text", content.Email?.Text) })
        {
            if (errors.ContainsKey(field))
            {
                continue;
            }

            string[] unknown = text is null ? [] : Placeholder().Matches(text).Select(m => m.Groups[1].Value).Where(p => !Placeholders.All.Contains(p)).Distinct().ToArray();
            if (unknown.Length > 0)
            {
                errors[field] = [$"Unknown placeholders: {string.Join(", ", unknown)}. Use {string.Join(", ", Placeholders.All)}."];
            }
        }

        return errors;
    }

    [GeneratedRegex(@"\{\{\s*([a-z_]+)\s*\}\}")]
    private static partial Regex Placeholder();
}
