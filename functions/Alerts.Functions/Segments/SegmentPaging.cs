namespace Alerts.Segments;

/// <summary>Where reading a segment got to: which driving partition, and the table's continuation token in it.</summary>
public sealed record SegmentCursor(int PartitionIndex, string? ContinuationToken);

internal sealed record SegmentPage(IReadOnlyList<IndexRow> Members, SegmentCursor? Next);
