namespace Alerts.Messages;

/// <summary>
/// One message as its recipient gets it. <see cref="Values"/> are the placeholders' values (SendGrid fills
/// them itself, as substitutions or template data); the rest is the finished text: an email's subject,
/// text and HTML bodies, or an SMS.
/// </summary>
internal sealed record RenderedMessage(IReadOnlyDictionary<string, string> Values, string? Subject, string Text, string? Html)
{
    public string UnsubscribeLink => Values["unsubscribe_link"];
}
