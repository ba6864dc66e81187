using Alerts.Campaigns;
using Alerts.Supporters;

namespace Alerts.Channels;

/// <summary>A way of reaching supporters: SendGrid, Twilio, or the local outbox when they are not configured.</summary>
internal interface IAlertChannel
{
    Channel Kind { get; }

    /// <summary>How many messages one call may take (one SendGrid request carries up to 1000).</summary>
    int MaxMessagesPerCall { get; }

    /// <summary>Sends the messages; returns one result per message, in order.</summary>
    Task<IReadOnlyList<DeliveryResult>> SendAsync(CampaignContent campaign, string campaignId, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default);
}
