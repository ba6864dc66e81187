namespace Alerts.Divisions;

/// <summary>
/// How a vote is put to a supporter. Neutral, as Parliament's own pages are: "did not vote", never
/// "absent" or "abstained" (MPs miss votes for many legitimate reasons).
/// </summary>
internal static class VoteWording
{
    public const string NoRecordedVote = "has no recorded vote";

    public static string Phrase(MemberVote? vote) => vote switch
    {
        null => NoRecordedVote,
        { Position: VotePosition.Aye, ByProxy: true } => "voted for (by proxy)",
        { Position: VotePosition.Aye } => "voted for",
        { Position: VotePosition.No, ByProxy: true } => "voted against (by proxy)",
        { Position: VotePosition.No } => "voted against",
        { Position: VotePosition.AyeTeller } => "voted for (as a teller)",
        { Position: VotePosition.NoTeller } => "voted against (as a teller)",
        { Position: VotePosition.Both } => "voted both for and against",
        { Position: VotePosition.Chair } => "did not vote (the Speaker and deputies do not vote)",
        _ => "did not vote",
    };

    /// <summary>Staff's line for the side the MP took; empty when they took neither.</summary>
    public static string Meaning(MemberVote? vote, DivisionContext division) => vote?.Position switch
    {
        VotePosition.Aye or VotePosition.AyeTeller => division.AyeMeans,
        VotePosition.No or VotePosition.NoTeller => division.NoMeans,
        _ => string.Empty,
    };

    /// <summary>Which side a vote counts as, for the report and for narrowing an audience.</summary>
    public static MpVote Side(MemberVote? vote) => vote?.Position switch
    {
        null => MpVote.NoRecordedVote,
        VotePosition.Aye or VotePosition.AyeTeller => MpVote.For,
        VotePosition.No or VotePosition.NoTeller => MpVote.Against,
        VotePosition.Both => MpVote.Both,
        _ => MpVote.DidNotVote,
    };

    /// <summary>The report's buckets: for, against, both, did not vote, no recorded vote.</summary>
    public static string Group(MemberVote? vote) => Side(vote) switch
    {
        MpVote.For => "voted for",
        MpVote.Against => "voted against",
        MpVote.Both => "voted both for and against",
        MpVote.DidNotVote => "did not vote",
        _ => NoRecordedVote,
    };
}
