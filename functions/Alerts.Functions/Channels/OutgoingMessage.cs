using Alerts.Messages;

namespace Alerts.Channels;

/// <summary>One message to one recipient, addressed and personalised; <paramref name="SmsBody"/> is the finished SMS.</summary>
internal sealed record OutgoingMessage(string DeliveryId, string SupporterId, string Address, string? Name, Personalisation Values, string? SmsBody = null);
