using Alerts.Bills;

namespace Alerts.Divisions;

/// <summary>Which watched bill a division looks to be about, from the day and the title (titles as in the recorded Commons search page).</summary>
public sealed class DivisionLinkerTests
{
    private static WatchedBill Bill(int id, string title, string house, params DateTime[] sittings) => new(
        id, title, "2nd reading", house, default, null, null,
        new BillSnapshot(title, false, null, false, id * 10, [new SnapshotStage(id * 10, 7, "2nd reading", house, 1, [.. sittings.Select((d, i) => new SnapshotSitting(i, d))])]),
        false, false, default);

    private static Division Division(string house, DateTime date, string title, bool deferred = false) =>
        new(house, 1, 1, date, title, null, deferred, 1, 1, "f", default, default, DivisionLink.None, null, false);

    private static readonly WatchedBill Rates = Bill(2818, "Non-Domestic Rating (Multipliers and Private Schools) Bill", "Commons", new DateTime(2024, 11, 25));
    private static readonly WatchedBill Railways = Bill(3700, "Passenger Railway Services (Public Ownership) Bill", "Commons", new DateTime(2024, 11, 19));

    [Theory]
    [InlineData("Non-Domestic Rating (Multipliers and Private Schools) Bill: Second Reading")]
    [InlineData("Non-Domestic Rating (Multipliers and Private Schools) Bill: Reasoned Amendment to Second Reading")]
    public void ADivisionNamingTheBill_OnItsSittingDay_IsProposedWithBothReasons(string title)
    {
        DivisionLink link = DivisionLinker.Propose(Division("Commons", new DateTime(2024, 11, 25, 21, 50, 0), title), [Railways, Rates]);

        Assert.Equal(DivisionLinkState.Proposed, link.State);
        Assert.Equal(2818, link.BillId);
        Assert.Equal(2, link.Reasons!.Count);
    }

    [Fact]
    public void ADivisionNamingAnotherBill_OrNoneOnADayNoWatchedBillSat_OrDeferred_IsNotProposed()
    {
        var day = new DateTime(2024, 11, 25, 21, 0, 0);
        Assert.Equal(DivisionLinkState.Unlinked, DivisionLinker.Propose(Division("Commons", day, "Employment Rights Bill: Second Reading"), [Rates]).State);
        Assert.Equal(DivisionLinkState.Unlinked, DivisionLinker.Propose(Division("Commons", new DateTime(2024, 11, 6, 20, 0, 0), "Budget Resolution No. 44: Rates of alcohol duty"), [Rates]).State);
        Assert.Equal(DivisionLinkState.Unlinked, DivisionLinker.Propose(Division("Commons", day, "Non-Domestic Rating (Multipliers and Private Schools) Bill: Second Reading", deferred: true), [Rates]).State);
        // Same day, other House.
        Assert.Equal(DivisionLinkState.Unlinked, DivisionLinker.Propose(Division("Lords", day, "Motion to regret"), [Rates]).State);
    }

    [Fact]
    public void ATitleNamingNoBill_OnTheBillsSittingDay_IsProposedForAHumanToCheck()
    {
        DivisionLink link = DivisionLinker.Propose(
            Division("Commons", new DateTime(2024, 11, 19, 15, 6, 0), "Motion to appoint a Reasons Committee in respect of Lords Amendment 3J"), [Rates, Railways]);

        Assert.Equal(DivisionLinkState.Proposed, link.State);
        Assert.Equal(3700, link.BillId);
        Assert.Contains("The title names no bill.", link.Reasons!);
    }

    [Fact]
    public void ALordsTitle_IsTheBillsName_WithHL()
    {
        WatchedBill water = Bill(3764, "Water (Special Measures) Bill [HL]", "Lords");
        DivisionLink link = DivisionLinker.Propose(Division("Lords", new DateTime(2024, 11, 20), "Water (Special Measures) Bill [HL]"), [Rates, water]);

        Assert.Equal(3764, link.BillId);
    }
}
