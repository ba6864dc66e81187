using System.Text.Json;
using Alerts.Campaigns;
using Alerts.Dispatch;
using Alerts.Storage;
using Alerts.Supporters;
using Azure.Data.Tables;
using Azure;

namespace Alerts.Webhooks;

/// <summary>
/// Applies what providers tell us after sending: delivery outcomes to the ledger (never moving a row
/// backwards, so duplicates and out-of-order callbacks change nothing), and opt-outs and hard failures
/// to the suppression list.
/// </summary>
internal sealed partial class ProviderEvents(
    DeliveryLedger ledger, CampaignStore campaigns, OptOuts optOuts, AlertsStorage storage, TimeProvider time, ILogger<ProviderEvents> logger)
{
    private static readonly string[] StopWords = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"];
    private static readonly string[] StartWords = ["START", "YES", "UNSTOP"];
    private readonly TableClient _receipts = storage.Table(Tables.WebhookReceipts);

    /// <summary>One SendGrid Event Webhook post: a JSON array of events. Returns how many were applied.</summary>
    public async Task<int> ApplySendGridAsync(JsonElement events, CancellationToken cancellationToken = default)
    {
        int applied = 0;
        foreach (JsonElement e in events.EnumerateArray())
        {
            string? kind = Text(e, "event");
            string? email = Text(e, "email");
            (string CampaignId, Channel Channel, string SupporterId)? delivery = Text(e, "delivery_id") is { } id ? DeliveryIds.Parse(id) : null;
            string? reason = Text(e, "reason") ?? Text(e, "type");
            switch (kind)
            {
                case "delivered":
                    applied += await AdvanceAsync(delivery, DeliveryStatus.Delivered, null, cancellationToken);
                    break;
                case "bounce":
                    applied += await AdvanceAsync(delivery, DeliveryStatus.Bounced, Text(e, "status") ?? "bounce", cancellationToken);
                    // A block is the receiving server's mood, not a dead address.
                    if (email is not null && Text(e, "type") != "blocked")
                    {
                        await optOuts.OptOutAddressAsync(Channel.Email, email, "bounce", "sendgrid-webhook", cancellationToken);
                    }

                    break;
                case "dropped":
                    applied += await AdvanceAsync(delivery, DeliveryStatus.Failed, "dropped", cancellationToken);
                    if (email is not null && reason is not null && (reason.Contains("Unsubscribed", StringComparison.OrdinalIgnoreCase)
                        || reason.Contains("Bounced", StringComparison.OrdinalIgnoreCase) || reason.Contains("Spam", StringComparison.OrdinalIgnoreCase)
                        || reason.Contains("Invalid", StringComparison.OrdinalIgnoreCase)))
                    {
                        await optOuts.OptOutAddressAsync(Channel.Email, email, "dropped", "sendgrid-webhook", cancellationToken);
                    }

                    break;
                case "spamreport" or "unsubscribe" or "group_unsubscribe":
                    // A spam report is an objection to direct marketing (UK GDPR art. 21): absolute.
                    if (email is not null)
                    {
                        await optOuts.OptOutAddressAsync(Channel.Email, email, kind, "sendgrid-webhook", cancellationToken);
                        applied++;
                    }

                    break;
            }
        }

        return applied;
    }

    /// <summary>A Twilio status callback for one of our SMS (the delivery id is in the callback URL).</summary>
    public async Task ApplyTwilioStatusAsync(string deliveryId, string? status, string? errorCode, CancellationToken cancellationToken = default)
    {
        DeliveryStatus? next = status switch
        {
            "sent" => DeliveryStatus.Sent,
            "delivered" => DeliveryStatus.Delivered,
            "undelivered" or "failed" => DeliveryStatus.Failed,
            _ => null,
        };
        if (next is not null)
        {
            await AdvanceAsync(DeliveryIds.Parse(deliveryId), next.Value, errorCode, cancellationToken);
        }
    }

    /// <summary>
    /// An inbound SMS. STOP (and the other opt-out words, or Twilio's OptOutType) suppresses the number before
    /// we answer; START lifts a STOP. A replayed message (same MessageSid) changes nothing.
    /// </summary>
    public async Task<string> ApplyTwilioInboundAsync(string messageSid, string from, string? body, string? optOutType, CancellationToken cancellationToken = default)
    {
        try
        {
            await _receipts.AddEntityAsync(new TableEntity("twilio-inbound", messageSid) { ["At"] = time.GetUtcNow() }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return "replay";
        }

        string word = (body ?? string.Empty).Trim().ToUpperInvariant();
        if (ContactValidation.NormaliseMobile(from, out _) is not { } phone)
        {
            return "not-ours"; // not a UK mobile, so not a number we could ever text
        }

        if (optOutType?.ToUpperInvariant() == "STOP" || StopWords.Contains(word))
        {
            await optOuts.OptOutAddressAsync(Channel.Sms, phone, "sms-stop", "twilio-inbound", cancellationToken);
            return "stop";
        }

        if (optOutType?.ToUpperInvariant() == "START" || StartWords.Contains(word))
        {
            await optOuts.OptBackInBySmsAsync(phone, cancellationToken);
            return "start";
        }

        return optOutType?.ToUpperInvariant() == "HELP" || word is "HELP" or "INFO" ? "help" : "other";
    }

    private async Task<int> AdvanceAsync((string CampaignId, Channel Channel, string SupporterId)? id, DeliveryStatus next, string? errorCode, CancellationToken cancellationToken)
    {
        if (id is not { } d)
        {
            return 0;
        }

        if (await ledger.GetAsync(d.CampaignId, d.Channel, d.SupporterId, cancellationToken) is not { } delivery)
        {
            // Sooner than the call's answer was recorded (or the run recording it died): the report becomes
            // the row, for one of our campaigns. Otherwise someone else's row came first: advance that.
            if (await campaigns.GetAsync(d.CampaignId, cancellationToken) is null)
            {
                return 0;
            }

            if (await ledger.TryAddReportedAsync(d.CampaignId, d.Channel, d.SupporterId, next, errorCode, time.GetUtcNow(), cancellationToken))
            {
                LogReportedFirst(logger, d.CampaignId, d.Channel, d.SupporterId, next);
                return 1;
            }

            if (await ledger.GetAsync(d.CampaignId, d.Channel, d.SupporterId, cancellationToken) is not { } appeared)
            {
                return 0;
            }

            delivery = appeared;
        }

        if (DeliveryLedger.Rank(next) <= DeliveryLedger.Rank(delivery.Status))
        {
            return 0; // a duplicate, or older news than we have
        }

        bool updated = await ledger.TryUpdateAsync(delivery, next, null, errorCode, time.GetUtcNow(), cancellationToken);
        if (updated && delivery.Status == DeliveryStatus.Unknown)
        {
            LogReconciled(logger, delivery.DeliveryId, next);
        }

        return updated ? 1 : 0;
    }

    private static string? Text(JsonElement e, string property) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Delivery {DeliveryId} was unknown; the provider reports {Status}")]
    private static partial void LogReconciled(ILogger logger, string deliveryId, DeliveryStatus status);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information,
        Message = "Campaign {CampaignId}, {Channel} to supporter {SupporterId}: the provider reports {Status} before the call's outcome was recorded")]
    private static partial void LogReportedFirst(ILogger logger, string campaignId, Channel channel, string supporterId, DeliveryStatus status);
}
