using System.Globalization;
using System.Text.RegularExpressions;
using Alerts.Divisions;

namespace Alerts.Messages;

/// <summary>
/// A placeholder a template may use: its name, what it means (for staff), and its value for one recipient
/// in one batch. Previews and test sends fill the same values for <see cref="Recipient.Sample"/>, so what
/// staff see is what supporters get.
/// </summary>
internal sealed record Placeholder(string Name, string Meaning, Func<MessageContext, Recipient, string> Value);

/// <summary>Every placeholder there is: the one table the renderer, validation, the README and the console read.</summary>
internal static partial class Placeholders
{
    private static readonly CultureInfo British = CultureInfo.GetCultureInfo("en-GB");

    public static readonly IReadOnlyList<Placeholder> All =
    [
        new("first_name", "The supporter's first name (\"friend\" if we have none).", (_, r) => r.FirstName ?? "friend"),
        new("mp_name", "Their MP's name (\"your MP\" until the look-up is done).", (_, r) => r.MpName ?? "your MP"),
        new("constituency", "Their constituency.", (_, r) => r.Constituency ?? "your constituency"),
        new("bill_title", "The bill's short title.", (c, _) => c.Content.Bill?.Title ?? "the bill"),
        new("stage", "The stage the bill reached.", (c, _) => c.Content.Bill?.Stage ?? "its next stage"),
        new("sitting_date", "When the House sits on it, e.g. Tuesday 7 December.", (c, _) => c.Content.Bill?.SittingDate?.ToString("dddd d MMMM", British) ?? "soon"),
        new("mp_vote", "How their MP voted: voted for, voted against, did not vote (\"has no recorded vote\" if we cannot tell).",
            (c, r) => VoteWording.Phrase(c.VoteOf(r))),
        new("mp_vote_meaning", "What their MP's vote means for the campaign, in the words staff confirmed (empty if they did not vote).",
            (c, r) => c.Division is { } d ? VoteWording.Meaning(c.VoteOf(r), d) : string.Empty),
        new("division_title", "The division's title, as Parliament gives it.", (c, _) => c.Division?.Title ?? "the vote"),
        new("division_result", "The official result, e.g. Ayes 336, Noes 175.", (c, _) => c.Division?.Result ?? string.Empty),
        new("action_link", "Where the alert asks them to act.", (c, _) => c.Content.ActionLink?.ToString() ?? string.Empty),
        new("unsubscribe_link", "Their own one-click way out of this channel.", (_, r) => r.UnsubscribeLink.ToString()),
        new("charity_name", "The charity's name.", (c, _) => c.CharityName),
    ];

    public static IEnumerable<string> Names => All.Select(p => p.Name);

    /// <summary>The names a template uses that no placeholder has.</summary>
    public static IReadOnlyList<string> Unknown(string? template) =>
        template is null ? [] : [.. Pattern().Matches(template).Select(m => m.Groups[1].Value).Where(name => All.All(p => p.Name != name)).Distinct()];

    /// <summary><c>{{ name }}</c>: a placeholder in a template.</summary>
    [GeneratedRegex(@"\{\{\s*([a-z_]+)\s*\}\}")]
    public static partial Regex Pattern();
}
