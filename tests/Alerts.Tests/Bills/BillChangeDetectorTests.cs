using System.Text.Json;

namespace Alerts.Bills;

/// <summary>Change detection over snapshots built from the recorded Bills API responses.</summary>
public sealed class BillChangeDetectorTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static BillSnapshot Recorded2818() =>
        BillSnapshot.From(Read<BillSummary>("snommoc_bill-2818_detail_modified.json"), Read<StagePage>("snommoc_bill-2818_stages.json").Items!);

    private static T Read<T>(string fixture) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(RepoPaths.Fixture("parliament", fixture)), Web)!;

    [Fact]
    public void From_RecordedBill_KeepsStagesSittingsAndTheCurrentStage()
    {
        BillSnapshot snapshot = Recorded2818();

        Assert.Equal("Abolition of Business Rates Bill", snapshot.Title);
        Assert.Equal([12654, 12655], snapshot.Stages.Select(s => s.BillStageId));
        Assert.Equal("2nd reading", snapshot.CurrentStage!.Description);
        Assert.Empty(snapshot.CurrentStage.Sittings);
        Assert.False(snapshot.IsAct);
    }

    [Fact]
    public void From_RecordedListWithRoyalAssentAndEmptyFormerTitles_ReadsEveryBill()
    {
        using JsonDocument capture = JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("parliament", "uklegalmcp_bills_list_BillIds_6_bills.json")));
        var bills = capture.RootElement.GetProperty("response").Deserialize<BillPage>(Web)!.Items!;

        var snapshots = bills.Select(b => BillSnapshot.From(b, [])).ToList();

        Assert.Equal(6, snapshots.Count);
        BillSnapshot act = snapshots[bills.FindIndex(b => b.BillId == 3894)];
        Assert.True(act.IsAct);
        Assert.Equal("Royal Assent", act.CurrentStage!.Description);
        Assert.Equal("Unassigned", act.CurrentStage.House);
    }

    [Fact]
    public void Diff_SameSnapshot_HasNoEvents()
    {
        Assert.Empty(BillChangeDetector.Diff(2818, Recorded2818(), Recorded2818()));
    }

    [Fact]
    public void Diff_NewCurrentStageWithSitting_IsStageReachedAndSittingScheduled_WithStableKeys()
    {
        BillSnapshot before = Recorded2818();
        var committee = new SnapshotStage(20000, 8, "Committee stage", "Commons", 3, [new SnapshotSitting(30000, new DateTime(2026, 12, 1))]);
        BillSnapshot after = before with { CurrentBillStageId = 20000, Stages = [.. before.Stages, committee] };

        IReadOnlyList<BillEvent> events = BillChangeDetector.Diff(2818, before, after);

        Assert.Equal([BillEventKind.StageReached, BillEventKind.SittingScheduled], events.Select(e => e.Kind));
        Assert.Equal(["stage-20000", "sitting-30000-20261201"], events.Select(e => e.Key));
        Assert.Equal(events.Select(e => e.Key), BillChangeDetector.Diff(2818, before, after).Select(e => e.Key));
        Assert.Equal(new Uri("https://bills.parliament.uk/bills/2818"), events[0].BillUrl);
    }

    [Fact]
    public void Diff_StagesPassedBetweenPolls_AreEachReached()
    {
        BillSnapshot before = Recorded2818();
        BillSnapshot after = before with
        {
            CurrentBillStageId = 20001,
            Stages = [.. before.Stages, new SnapshotStage(20000, 8, "Committee stage", "Commons", 3, []), new SnapshotStage(20001, 9, "Report stage", "Commons", 4, [])],
        };

        IReadOnlyList<BillEvent> events = BillChangeDetector.Diff(2818, before, after);

        Assert.Equal(["Committee stage", "Report stage"], events.Where(e => e.Kind == BillEventKind.StageReached).Select(e => e.Stage));
    }

    [Fact]
    public void Diff_PingPongRoundsOfTheSameStageType_AreSeparateEvents()
    {
        BillSnapshot before = Recorded2818() with
        {
            CurrentBillStageId = 20000,
            Stages = [new SnapshotStage(20000, 12, "Consideration of Lords amendments", "Commons", 10, [])],
        };
        BillSnapshot after = before with
        {
            CurrentBillStageId = 20002,
            Stages = [.. before.Stages, new SnapshotStage(20001, 13, "Consideration of Commons amendments", "Lords", 11, []),
                new SnapshotStage(20002, 12, "Consideration of Lords amendments", "Commons", 12, [])],
        };

        IReadOnlyList<BillEvent> events = BillChangeDetector.Diff(3023, before, after);

        Assert.Equal(["stage-20001", "stage-20002"], events.Select(e => e.Key));
        Assert.Equal(["Lords", "Commons"], events.Select(e => e.House));
    }

    [Fact]
    public void Diff_MovedSitting_IsSittingMovedWithThePreviousDate()
    {
        BillSnapshot before = Recorded2818();
        var firstReading = before.Stages[0];
        BillSnapshot after = before with
        {
            Stages = [firstReading with { Sittings = [new SnapshotSitting(11498, new DateTime(2021, 1, 19))] }, before.Stages[1]],
        };

        BillEvent moved = Assert.Single(BillChangeDetector.Diff(2818, before, after));

        Assert.Equal(BillEventKind.SittingMoved, moved.Kind);
        Assert.Equal(new DateTime(2021, 1, 12), moved.PreviousSittingDate);
        Assert.Equal(new DateTime(2021, 1, 19), moved.SittingDate);
    }
}
