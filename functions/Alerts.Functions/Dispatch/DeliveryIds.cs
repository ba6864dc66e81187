using Alerts.Storage;
using Alerts.Supporters;

namespace Alerts.Dispatch;

/// <summary>Delivery ids carry their own address in the ledger, so webhooks need no index to find the row.</summary>
internal static class DeliveryIds
{
    public static string For(string campaignId, Channel channel, string supporterId) =>
        $"{campaignId}.{(channel == Channel.Email ? 'e' : 's')}.{supporterId}";

    public static (string CampaignId, Channel Channel, string SupporterId)? Parse(string deliveryId)
    {
        string[] parts = deliveryId.Split('.');
        return parts.Length == 3 && parts[1] is "e" or "s" && parts.All(TableKeys.IsId)
            ? (parts[0], parts[1] == "e" ? Channel.Email : Channel.Sms, parts[2])
            : null;
    }
}
