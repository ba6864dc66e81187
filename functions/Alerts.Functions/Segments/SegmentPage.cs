namespace Alerts.Segments;

/// <summary>One page of a segment's members, the key ranges they were read from, and where the next page starts (null when done).</summary>
internal sealed record SegmentPage(IReadOnlyList<IndexRow> Members, IReadOnlyList<KeyRange> Ranges, SegmentCursor? Next);
