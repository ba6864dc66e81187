using Alerts.Bills;

namespace Alerts.Rules;

public sealed class AlertRuleDefinitionTests
{
    private static BillEvent Event(BillEventKind kind = BillEventKind.StageReached, int billId = 3023, string? stage = "Report stage", string? house = "Commons") =>
        new("stage-1", billId, kind, "Nationality and Borders Bill", stage, House: house);

    [Fact]
    public void Matches_TheBillKindStageAndHouseItNames()
    {
        var rule = new AlertRuleDefinition { Name = "r", BillId = 3023, EventKinds = ["StageReached"], StageContains = "REPORT", House = "commons" };

        Assert.True(rule.Matches(Event()));
        Assert.False(rule.Matches(Event(billId: 3024)));
        Assert.False(rule.Matches(Event(kind: BillEventKind.SittingScheduled)));
        Assert.False(rule.Matches(Event(stage: "Committee stage")));
        Assert.False(rule.Matches(Event(stage: null)));
        Assert.False(rule.Matches(Event(house: "Lords")));
    }

    [Fact]
    public void Matches_WithoutABill_AnyWatchedBill()
    {
        var rule = new AlertRuleDefinition { Name = "r", EventKinds = ["StageReached", "royalAssent"] };

        Assert.True(rule.Matches(Event(billId: 1)));
        Assert.True(rule.Matches(Event(kind: BillEventKind.RoyalAssent, billId: 2)));
        Assert.False(rule.Matches(Event(kind: BillEventKind.Withdrawn)));
    }

    [Fact]
    public void Validate_NamesWhatIsWrong()
    {
        var errors = new AlertRuleDefinition { Name = "", EventKinds = ["Passed"], House = "Senate", StageContains = new string('x', 101) }.Validate();

        Assert.Equal(["eventKinds", "house", "name", "stageContains"], errors.Keys.Order(StringComparer.Ordinal));
    }
}
