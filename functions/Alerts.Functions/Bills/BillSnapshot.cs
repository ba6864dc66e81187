namespace Alerts.Bills;

/// <summary>What we remember of a bill between polls: enough to tell what changed.</summary>
internal sealed record BillSnapshot(
    string Title, bool IsAct, DateTime? Withdrawn, bool IsDefeated, int? CurrentBillStageId, IReadOnlyList<SnapshotStage> Stages)
{
    public SnapshotStage? CurrentStage => Stages.FirstOrDefault(s => s.BillStageId == CurrentBillStageId);

    public static BillSnapshot From(BillSummary bill, IReadOnlyList<BillStage> stages)
    {
        var snapshotStages = stages
            .Select(s => new SnapshotStage(
                s.Id, s.StageId, s.Description ?? "(unnamed stage)", s.House ?? "Unassigned", s.SortOrder,
                (s.StageSittings ?? []).Select(x => new SnapshotSitting(x.Id, x.Date)).OrderBy(x => x.Id).ToList()))
            .ToList();

        // A stage can be current before the stages list shows it (sittings are sometimes stored first); keep it.
        if (bill.CurrentStage is { } current && snapshotStages.All(s => s.BillStageId != current.Id))
        {
            snapshotStages.Add(new SnapshotStage(current.Id, current.StageId, current.Description ?? "(unnamed stage)",
                current.House ?? "Unassigned", current.SortOrder,
                (current.StageSittings ?? []).Select(x => new SnapshotSitting(x.Id, x.Date)).OrderBy(x => x.Id).ToList()));
        }

        return new BillSnapshot(
            bill.ShortTitle ?? $"Bill {bill.BillId}",
            bill.IsAct == true || bill.CurrentStage?.StageId == BillChangeDetector.RoyalAssentStageId,
            bill.BillWithdrawn,
            bill.IsDefeated == true,
            bill.CurrentStage?.Id,
            snapshotStages.OrderBy(s => s.SortOrder).ThenBy(s => s.BillStageId).ToList());
    }
}

internal sealed record SnapshotStage(int BillStageId, int StageTypeId, string Description, string House, int SortOrder, IReadOnlyList<SnapshotSitting> Sittings);

internal sealed record SnapshotSitting(int Id, DateTime? Date);
