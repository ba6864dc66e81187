using Alerts.Campaigns;
using Alerts.Messages;
using Microsoft.Extensions.Options;

namespace Alerts.Channels;

/// <summary>SMS through Twilio, one request per message, paced at the wire by <see cref="SmsPacingHandler"/>.</summary>
internal sealed partial class TwilioSmsChannel(
    TwilioSmsClient twilio, IOptions<AlertingOptions> alerting, ILogger<TwilioSmsChannel> logger) : IAlertChannel
{
    public Supporters.Channel Kind => Supporters.Channel.Sms;

    /// <summary>One at a time: each SMS is its own request, reserved in the ledger just before it is made.</summary>
    public int MaxMessagesPerCall => 1;

    public async Task<IReadOnlyList<DeliveryResult>> SendAsync(
        CampaignContent campaign, string campaignId, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
    {
        var results = new List<DeliveryResult>(messages.Count);
        foreach (OutgoingMessage message in messages)
        {
            var callback = new Uri(alerting.Value.PublicBaseUrl, "api/hooks/twilio/status?d=" + Uri.EscapeDataString(message.DeliveryId));
            DeliveryResult result = await twilio.SendAsync(message.Address, message.Message.Text, callback, cancellationToken);
            LogOutcome(logger, message.SupporterId, result is DeliveryResult.Accepted ? "accepted" : result is DeliveryResult.Rejected ? "rejected" : result is DeliveryResult.Deferred ? "deferred" : "unknown");
            results.Add(result);
        }

        return results;
    }

    [LoggerMessage(EventId = 5201, Level = LogLevel.Debug, Message = "SMS to supporter {SupporterId}: {Outcome}")]
    private static partial void LogOutcome(ILogger logger, string supporterId, string outcome);
}
