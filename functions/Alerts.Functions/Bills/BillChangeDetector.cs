namespace Alerts.Bills;

/// <summary>Compares two snapshots of a bill and names each change once.</summary>
internal static class BillChangeDetector
{
    public const int RoyalAssentStageId = 11;

    public static IReadOnlyList<BillEvent> Diff(int billId, BillSnapshot before, BillSnapshot after)
    {
        var events = new List<BillEvent>();
        var oldStages = before.Stages.ToDictionary(s => s.BillStageId);
        SnapshotStage? current = after.CurrentStage;

        // Stages reached: a new current stage, and any stage that appeared and was passed between two polls.
        foreach (SnapshotStage stage in after.Stages)
        {
            bool isNewCurrent = stage.BillStageId == after.CurrentBillStageId && before.CurrentBillStageId != stage.BillStageId;
            bool passedUnseen = !oldStages.ContainsKey(stage.BillStageId) && current is not null && stage.SortOrder < current.SortOrder;
            if ((isNewCurrent || passedUnseen) && stage.StageTypeId != RoyalAssentStageId)
            {
                events.Add(new BillEvent(FormattableString.Invariant($"stage-{stage.BillStageId}"), billId, BillEventKind.StageReached,
                    after.Title, stage.Description, stage.StageTypeId, stage.BillStageId, stage.House,
                    stage.Sittings.Select(s => s.Date).Where(d => d is not null).Min()));
            }

            // Sittings scheduled or moved, for every stage: a date set for Tuesday is what campaigners act on.
            oldStages.TryGetValue(stage.BillStageId, out SnapshotStage? oldStage);
            var oldSittings = (oldStage?.Sittings ?? []).ToDictionary(s => s.Id);
            foreach (SnapshotSitting sitting in stage.Sittings)
            {
                bool known = oldSittings.TryGetValue(sitting.Id, out SnapshotSitting? previous);
                if (known && previous!.Date == sitting.Date)
                {
                    continue;
                }

                events.Add(new BillEvent(
                    FormattableString.Invariant($"sitting-{sitting.Id}-{sitting.Date:yyyyMMdd}"), billId,
                    known ? BillEventKind.SittingMoved : BillEventKind.SittingScheduled,
                    after.Title, stage.Description, stage.StageTypeId, stage.BillStageId, stage.House,
                    sitting.Date, known ? previous!.Date : null));
            }
        }

        if (after.IsAct && !before.IsAct)
        {
            SnapshotStage? assent = after.Stages.LastOrDefault(s => s.StageTypeId == RoyalAssentStageId);
            events.Add(new BillEvent("royal-assent", billId, BillEventKind.RoyalAssent, after.Title,
                assent?.Description ?? "Royal Assent", RoyalAssentStageId, assent?.BillStageId, assent?.House ?? "Unassigned",
                assent?.Sittings.Select(s => s.Date).Where(d => d is not null).Max()));
        }

        if (after.Withdrawn is not null && before.Withdrawn is null)
        {
            events.Add(new BillEvent("withdrawn", billId, BillEventKind.Withdrawn, after.Title,
                current?.Description, current?.StageTypeId, current?.BillStageId, current?.House, after.Withdrawn));
        }

        if (after.IsDefeated && !before.IsDefeated)
        {
            events.Add(new BillEvent("defeated", billId, BillEventKind.Defeated, after.Title,
                current?.Description, current?.StageTypeId, current?.BillStageId, current?.House));
        }

        if (!string.Equals(after.Title, before.Title, StringComparison.Ordinal))
        {
            events.Add(new BillEvent("renamed-" + ShortHash(after.Title), billId, BillEventKind.Renamed, after.Title,
                current?.Description, current?.StageTypeId, current?.BillStageId, current?.House, PreviousTitle: before.Title));
        }

        return events;
    }

    private static string ShortHash(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..12];
}
