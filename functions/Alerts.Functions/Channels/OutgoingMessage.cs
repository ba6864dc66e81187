using Alerts.Messages;

namespace Alerts.Channels;

/// <summary>One message to one recipient: where it goes, and what it says.</summary>
internal sealed record OutgoingMessage(string DeliveryId, string SupporterId, string Address, string? Name, RenderedMessage Message);
