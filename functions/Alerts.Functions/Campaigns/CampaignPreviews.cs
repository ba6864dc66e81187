using Alerts.Messages;

namespace Alerts.Campaigns;

/// <summary>
/// One channel's message as a recipient would get it, and how many would get it now (after consent and
/// suppression). <see cref="Note"/> explains a channel of the campaign that its segment does not send on.
/// </summary>
public sealed record ChannelPreview(string? Subject, string? Body, string? Html, SmsInfo? Sms, int Recipients, string? Note = null);
