using Alerts.Supporters;

namespace Alerts.Dispatch;

/// <summary>
/// Which part of a batch: its channel, and its lane. A channel whose provider takes one message per request
/// (SMS) has a large part split into lanes, each with its own queue message, so that several run at once
/// while each sends one message at a time: the pace is kept, and a crash leaves one message per lane unknown.
/// </summary>
internal readonly record struct PartKey(Channel Channel, int Lane = 0)
{
    /// <summary>At most as many lanes as the host runs messages at once (host.json's batchSize).</summary>
    public const int MaxLanes = 4;

    /// <summary>A part smaller than this stays whole: a lane must be worth a queue message.</summary>
    public const int MinLaneSize = 100;

    /// <summary>The prefix of the part's columns in its batch row: "Email", "Sms", "Sms1", …</summary>
    public string Column => Lane == 0 ? Channel.ToString() : Channel + Lane.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static IEnumerable<PartKey> All => Enum.GetValues<Channel>().SelectMany(c => Enumerable.Range(0, MaxLanes).Select(lane => new PartKey(c, lane)));

    /// <summary>A channel's planned recipients as parts: one, or for SMS up to <see cref="MaxLanes"/> lanes.</summary>
    public static IEnumerable<(PartKey Key, IReadOnlyList<string> Ids)> Split(Channel channel, IReadOnlyList<string> ids)
    {
        int lanes = channel == Channel.Sms ? Math.Clamp(ids.Count / MinLaneSize, 1, MaxLanes) : 1;
        int size = (ids.Count + lanes - 1) / Math.Max(lanes, 1);
        for (int lane = 0; lane < lanes; lane++)
        {
            yield return (new PartKey(channel, lane), [.. ids.Skip(lane * size).Take(size)]);
        }
    }
}
