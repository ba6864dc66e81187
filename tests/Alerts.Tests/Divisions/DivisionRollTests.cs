using System.Text.Json;

namespace Alerts.Divisions;

/// <summary>The roll of the recorded Commons division 1873, read as the watcher reads it.</summary>
public sealed class DivisionRollTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static CommonsDivision Recorded1873() =>
        JsonSerializer.Deserialize<CommonsDivision>(File.ReadAllText(RepoPaths.Fixture("votes", "snommoc_commons-division-1873.json")), Web)!;

    [Fact]
    public void EverySittingMp_IsInTheRoll_ByMembersApiId_TellersCountedForTheirSide()
    {
        DivisionRoll roll = DivisionRoll.From(Recorded1873());

        Assert.Equal(650, roll.Count); // 2 + 2 tellers, 333 ayes, 174 noes, 139 no vote recorded
        Assert.True(roll.IsPublished);
        Assert.Equal(VotePosition.Aye, roll.Of(4030)!.Value.Position);            // Karl Turner
        Assert.Equal(VotePosition.No, roll.Of(350)!.Value.Position);              // John Hayes
        Assert.Equal(VotePosition.NoVoteRecorded, roll.Of(4110)!.Value.Position); // Karen Bradley
        Assert.Null(roll.Of(99990));
        Assert.Null(roll.Of(null));
        CommonsDivision division = Recorded1873();
        Assert.All(division.AyeTellers!, t => Assert.Equal(VotePosition.AyeTeller, roll.Of(t.MemberId)!.Value.Position));
        Assert.All(division.NoTellers!, t => Assert.Equal(VotePosition.NoTeller, roll.Of(t.MemberId)!.Value.Position));
        Assert.All(division.NoVoteRecorded!.Where(m => m.Party is "Speaker" or "Deputy Speaker"), m => Assert.Equal(VotePosition.Chair, roll.Of(m.MemberId)!.Value.Position));
        Assert.Equal(division.Ayes!.Concat(division.Noes!).Count(m => m.ProxyName is not null), division.Ayes!.Concat(division.Noes!).Count(m => roll.Of(m.MemberId)!.Value.ByProxy));
    }

    [Fact]
    public void TheRoll_SurvivesStorage_Whole()
    {
        DivisionRoll roll = DivisionRoll.From(Recorded1873());

        string encoded = roll.Encode();
        DivisionRoll decoded = DivisionRoll.Decode(encoded);

        Assert.True(encoded.Length < 32_000, $"{encoded.Length} characters: one table property");
        Assert.Equal(roll.Count, decoded.Count);
        Assert.All(Recorded1873().Ayes!.Concat(Recorded1873().NoVoteRecorded!), m => Assert.Equal(roll.Of(m.MemberId), decoded.Of(m.MemberId)));
    }

    [Fact]
    public void AMemberInBothLobbies_IsRecordedAsBoth_AndSearchResultsHaveNoNamesYet()
    {
        CommonsDivision division = Recorded1873();
        CommonsMember both = division.Ayes![0];
        DivisionRoll roll = DivisionRoll.From(division with { Noes = [.. division.Noes!, both] });
        Assert.Equal(VotePosition.Both, roll.Of(both.MemberId)!.Value.Position);
        Assert.Equal("voted both for and against", VoteWording.Phrase(roll.Of(both.MemberId)));

        Assert.False(DivisionRoll.From(division with { Ayes = [], Noes = [], NoVoteRecorded = [] }).IsPublished);
    }

    [Theory]
    [InlineData(VotePosition.Aye, false, "voted for", "protect")]
    [InlineData(VotePosition.Aye, true, "voted for (by proxy)", "protect")]
    [InlineData(VotePosition.No, false, "voted against", "cut")]
    [InlineData(VotePosition.NoTeller, false, "voted against (as a teller)", "cut")]
    [InlineData(VotePosition.NoVoteRecorded, false, "did not vote", "")]
    [InlineData(VotePosition.Chair, false, "did not vote (the Speaker and deputies do not vote)", "")]
    public void Wording_IsNeutral_AndTheMeaningFollowsTheSideTaken(VotePosition position, bool proxy, string phrase, string meaning)
    {
        var division = new DivisionContext("commons-1", "Commons", 1, new DateOnly(2024, 11, 25), "T", 1, 2, "protect", "cut");
        var vote = new MemberVote(position, proxy);

        Assert.Equal(phrase, VoteWording.Phrase(vote));
        Assert.Equal(meaning, VoteWording.Meaning(vote, division));
        Assert.Equal("has no recorded vote", VoteWording.Phrase(null));
    }
}
