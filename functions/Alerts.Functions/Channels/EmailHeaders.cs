namespace Alerts.Channels;

/// <summary>The headers every email carries (RFC 8058 one-click unsubscribe), the same for SendGrid and the outbox.</summary>
internal static class EmailHeaders
{
    public static IReadOnlyDictionary<string, string> For(OutgoingMessage message) => new Dictionary<string, string>
    {
        ["List-Unsubscribe"] = $"<{message.Message.UnsubscribeLink}>",
        ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
    };
}
