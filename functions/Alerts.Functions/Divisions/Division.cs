namespace Alerts.Divisions;

public enum DivisionLinkState
{
    /// <summary>No watched bill looks like it: nothing is sent about it unless staff link it.</summary>
    Unlinked,

    /// <summary>A watched bill looks like it (see the reasons): waiting for staff to confirm, with what each side means.</summary>
    Proposed,

    /// <summary>Staff confirmed the bill and wrote what an aye and a no mean: it becomes a bill event.</summary>
    Confirmed,

    /// <summary>Staff said it is not about any bill they watch: it is not proposed again.</summary>
    Dismissed,
}

/// <summary>
/// A division's link to a watched bill. Only staff make it <see cref="DivisionLinkState.Confirmed"/>, because
/// neither Votes API names a bill and a division's direction cannot be read from its title.
/// </summary>
internal sealed record DivisionLink(
    DivisionLinkState State,
    int? BillId = null,
    IReadOnlyList<string>? Reasons = null,
    string? AyeMeans = null,
    string? NoMeans = null,
    string? ConfirmedBy = null,
    DateTimeOffset? ConfirmedAt = null)
{
    public static readonly DivisionLink None = new(DivisionLinkState.Unlinked);
}

/// <summary>
/// One division as last read from its House's Votes API. <see cref="Date"/> is Parliament's naive UK local
/// time. <see cref="Fingerprint"/> is what the API said, so a re-publication is noticed and recorded over
/// the old one (never as a second division). <see cref="Roll"/> is how each MP voted (Commons only, and
/// only once the division concerns a watched bill: that is when it is needed).
/// </summary>
internal sealed record Division(
    string House,
    int DivisionId,
    int Number,
    DateTime Date,
    string Title,
    string? Notes,
    bool IsDeferred,
    int AyeCount,
    int NoCount,
    string Fingerprint,
    DateTimeOffset RecordedAt,
    DateTimeOffset UpdatedAt,
    DivisionLink Link,
    DivisionRoll? Roll,
    bool Announced,
    Azure.ETag ETag = default)
{
    /// <summary>"commons-1873": the House keeps the two APIs' ids apart.</summary>
    public string Id => DivisionIds.For(House, DivisionId);

    public Uri Url => new(FormattableString.Invariant($"https://votes.parliament.uk/Votes/{House}/Division/{DivisionId}"));

    /// <summary>The facts a message about it carries, with staff's words for each side.</summary>
    public DivisionContext ToContext() =>
        new(Id, House, Number, DateOnly.FromDateTime(Date), Title, AyeCount, NoCount, Link.AyeMeans ?? string.Empty, Link.NoMeans ?? string.Empty);
}

/// <summary>A division as a campaign carries it: from the event that made the campaign, refreshed from the store when it is sent.</summary>
public sealed record DivisionContext(string DivisionId, string House, int Number, DateOnly Date, string Title, int AyeCount, int NoCount, string AyeMeans, string NoMeans)
{
    /// <summary>The official result, from the tellers' counts (the name lists often differ from them).</summary>
    public string Result => House == DivisionIds.Lords
        ? FormattableString.Invariant($"Contents {AyeCount}, Not contents {NoCount}")
        : FormattableString.Invariant($"Ayes {AyeCount}, Noes {NoCount}");
}
