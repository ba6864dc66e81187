using System.Text.Json.Serialization;
using System.Text.Json;
using Alerts.Supporters;

namespace Alerts.Dispatch;

public enum DispatchKind
{
    /// <summary>Read the segment and enqueue its batches.</summary>
    Plan,

    /// <summary>Send one channel's part of one planned batch.</summary>
    Send,
}

/// <summary>
/// A message on the dispatch queue: small, pointing at table rows. A send names one part of a batch (a
/// channel, and its lane), so each is retried, delayed or poisoned on its own. <see cref="Retry"/> and
/// <see cref="DeferredSince"/> count the re-sends of a part the provider could not take yet.
/// </summary>
internal sealed record DispatchMessage(
    string CampaignId,
    [property: JsonRequired] DispatchKind Kind,
    int BatchNo = 0,
    Channel? Channel = null,
    int Retry = 0,
    DateTimeOffset? DeferredSince = null,
    int Lane = 0)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static DispatchMessage Parse(string text)
    {
        DispatchMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<DispatchMessage>(text, Json);
        }
        catch (JsonException ex)
        {
            throw new FormatException("The dispatch message is not valid JSON.", ex);
        }

        return message is { CampaignId.Length: > 0, Lane: >= 0 and < PartKey.MaxLanes } && Enum.IsDefined(message.Kind) && (message.Kind == DispatchKind.Plan || message.Channel is not null)
            ? message
            : throw new FormatException("The dispatch message needs a campaignId and a kind (and a channel, to send).");
    }

    public static DispatchMessage Send(string campaignId, int batchNo, PartKey part) => new(campaignId, DispatchKind.Send, batchNo, part.Channel, Lane: part.Lane);

    /// <summary>A channel's whole part (its first lane).</summary>
    public static DispatchMessage Send(string campaignId, int batchNo, Channel channel) => Send(campaignId, batchNo, new PartKey(channel));

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}
