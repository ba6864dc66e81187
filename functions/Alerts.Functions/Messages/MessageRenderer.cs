using System.Net;
using System.Text.Json;
using Alerts.Campaigns;
using Alerts.Channels;
using Alerts.Supporters;
using Microsoft.Extensions.Options;

namespace Alerts.Messages;

/// <summary>
/// The one renderer: fills a campaign's templates for a recipient, for previews, test sends, the outbox and
/// the providers alike, and adds what every message must carry: the charity's name and a way out.
/// </summary>
internal sealed class MessageRenderer(IOptions<TwilioOptions> twilio, UnsubscribeLinks unsubscribe)
{
    public Recipient RecipientFor(Supporter supporter, Channel channel) => Recipient.Of(supporter, unsubscribe.For(supporter.Id, channel));

    public Recipient RecipientFor(Segments.IndexRow row, Channel channel) => Recipient.Of(row, unsubscribe.For(row.SupporterId, channel));

    public Recipient SampleFor(Channel channel) => Recipient.Sample(unsubscribe.For("sample", channel));

    public static IReadOnlyDictionary<string, string> Values(MessageContext context, Recipient recipient) =>
        Placeholders.All.ToDictionary(p => p.Name, p => p.Value(context, recipient), StringComparer.Ordinal);

    /// <summary>The message for one recipient on one channel. An email from a SendGrid template shows its data, as SendGrid gets it.</summary>
    public RenderedMessage Render(MessageContext context, Recipient recipient, Channel channel)
    {
        IReadOnlyDictionary<string, string> values = Values(context, recipient);
        CampaignContent content = context.Content;
        if (channel == Channel.Sms)
        {
            return new RenderedMessage(values, null, Sms(content.Sms ?? string.Empty, values, context.CharityName), null);
        }

        EmailContent email = content.Email!;
        return email.TemplateId is { } template
            ? new RenderedMessage(values, $"(SendGrid template {template})", JsonSerializer.Serialize(values), null)
            : new RenderedMessage(values, Fill(email.Subject!, values), Fill(email.Text!, values), Fill(email.Html!, values, html: true));
    }

    /// <summary>Replaces each placeholder with its value, HTML-encoded in HTML; an unknown one is left as written.</summary>
    public static string Fill(string template, IReadOnlyDictionary<string, string> values, bool html = false) =>
        Placeholders.Pattern().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out string? value)
            ? (html ? WebUtility.HtmlEncode(value) : value)
            : m.Value);

    /// <summary>The SMS as sent: named sender, the text, and a way out (reply STOP, or a link for one-way senders).</summary>
    private string Sms(string template, IReadOnlyDictionary<string, string> values, string charity)
    {
        string body = Fill(template, values).Trim();
        if (!body.Contains(charity, StringComparison.OrdinalIgnoreCase))
        {
            body = $"{charity}: {body}";
        }

        return twilio.Value.SenderAcceptsReplies
            ? body + " Reply STOP to opt out."
            : body + " Opt out: " + values["unsubscribe_link"];
    }
}
