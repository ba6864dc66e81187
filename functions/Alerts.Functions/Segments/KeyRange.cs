namespace Alerts.Segments;

/// <summary>
/// Supporter ids in one shard of the segment index: after <see cref="After"/> (exclusive) up to and
/// including <see cref="Through"/>; null ends are open. A planned batch is a few of these, so it can be
/// read again, whole, at send time.
/// </summary>
internal sealed record KeyRange(int Shard, string? After, string? Through)
{
    /// <summary>"shard:after:through" with empty open ends; ids are letters and digits, so the separators are safe.</summary>
    public override string ToString() => $"{Shard:x}:{After}:{Through}";

    public static KeyRange Parse(string text)
    {
        string[] parts = text.Split(':');
        return new KeyRange(Convert.ToInt32(parts[0], 16), parts[1] is { Length: > 0 } after ? after : null, parts[2] is { Length: > 0 } through ? through : null);
    }

    public static string Join(IEnumerable<KeyRange> ranges) => string.Join(',', ranges);

    public static IReadOnlyList<KeyRange> Split(string? text) =>
        string.IsNullOrEmpty(text) ? [] : [.. text.Split(',').Select(Parse)];
}
