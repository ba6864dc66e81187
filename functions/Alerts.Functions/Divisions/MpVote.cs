namespace Alerts.Divisions;

/// <summary>
/// How a supporter's MP voted in a Commons division, as an audience can be narrowed by it ("supporters
/// whose MP voted against"), in the same buckets as the report counts.
/// </summary>
public enum MpVote
{
    /// <summary>An aye, by proxy or as a teller too.</summary>
    For,

    /// <summary>A no, by proxy or as a teller too.</summary>
    Against,

    /// <summary>In both lobbies.</summary>
    Both,

    /// <summary>In the roll with no vote (the Speaker and deputies too).</summary>
    DidNotVote,

    /// <summary>MP unknown, or not in the roll (a vacant seat, or elected since).</summary>
    NoRecordedVote,
}
