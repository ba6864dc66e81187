namespace Alerts.Bills;

internal enum BillEventKind
{
    StageReached,
    SittingScheduled,
    SittingMoved,
    RoyalAssent,
    Withdrawn,
    Defeated,
    Renamed,

    /// <summary>A division staff confirmed is about the bill, with what each side means (see Divisions/).</summary>
    DivisionRecorded,
}

/// <summary>
/// One change to a bill. <see cref="Key"/> is derived from the change alone (never from when it was seen),
/// so every run that sees the same change computes the same key: the basis of exactly-once recording.
/// </summary>
internal sealed record BillEvent(
    string Key,
    int BillId,
    BillEventKind Kind,
    string BillTitle,
    string? Stage = null,
    int? StageTypeId = null,
    int? BillStageId = null,
    string? House = null,
    DateTime? SittingDate = null,
    DateTime? PreviousSittingDate = null,
    string? PreviousTitle = null,
    DateTimeOffset? DetectedAt = null,
    Divisions.DivisionContext? Division = null)
{
    public string EventId => $"{BillId}:{Key}";

    public Uri BillUrl => BillLinks.BillPage(BillId);
}

internal static class BillLinks
{
    public static Uri BillPage(int billId) => new(FormattableString.Invariant($"https://bills.parliament.uk/bills/{billId}"));
}
