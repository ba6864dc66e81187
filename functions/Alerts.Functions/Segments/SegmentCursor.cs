namespace Alerts.Segments;

/// <summary>Where reading a segment got to: the index shard, and the last supporter id read in it (null: its start).</summary>
public sealed record SegmentCursor(int Shard, string? After)
{
    public static readonly SegmentCursor Start = new(0, null);
}
