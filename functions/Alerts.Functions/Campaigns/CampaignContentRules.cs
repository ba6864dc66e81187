using Alerts.Messages;
using Alerts.Segments;
using Alerts.Supporters;

namespace Alerts.Campaigns;

/// <summary>What a campaign's content must be: what the law and our promises require, known placeholders, sizes a row holds.</summary>
internal static class CampaignContentRules
{
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
            if (!errors.ContainsKey(field) && Placeholders.Unknown(text) is { Count: > 0 } unknown)
            {
                errors[field] = [$"Unknown placeholders: {string.Join(", ", unknown)}. Use {string.Join(", ", Placeholders.Names)}."];
            }
        }

        return errors;
    }

    /// <summary>A campaign sends only on channels its segment is for: asking for another is a mistake to point out, not to ignore.</summary>
    public static Dictionary<string, string[]> ChannelErrors(CampaignContent content, Segment segment)
    {
        Channel[] outside = [.. content.Channels.Where(c => !segment.Definition.Channels.Contains(c))];
        return outside.Length == 0
            ? []
            : new Dictionary<string, string[]>
            {
                ["channels"] = [$"The segment '{segment.Definition.Name}' is for {string.Join(" and ", segment.Definition.Channels).ToLowerInvariant()} only; remove {string.Join(" and ", outside).ToLowerInvariant()} or choose another segment."],
            };
    }
}
