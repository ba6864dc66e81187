using System.Text.RegularExpressions;
using Alerts.Bills;

namespace Alerts.Divisions;

/// <summary>
/// Proposes which watched bill a division is about. Neither Votes API names a bill, so this reads the
/// clues Parliament does give: the day (a division on a day the bill's stage sat in that House), and the
/// title (Commons titles usually start with the bill's name; a Lords title is the bill's name). A proposal
/// is only a proposal: staff confirm it, and write what each side means, before anything is sent.
/// </summary>
internal static partial class DivisionLinker
{
    public static DivisionLink Propose(Division division, IReadOnlyList<WatchedBill> watched)
    {
        // Deferred divisions are ballots on motions and statutory instruments: proceedings on bills are excluded.
        if (division.IsDeferred)
        {
            return DivisionLink.None;
        }

        var best = (Score: 0, BillId: 0, Reasons: (List<string>)[]);
        foreach (WatchedBill bill in watched.Where(b => b.Snapshot is not null))
        {
            var reasons = new List<string>();
            int score = 0;
            if (SatThatDay(bill.Snapshot!, division) is { } stage)
            {
                score += 1;
                reasons.Add($"The bill's {stage.Description} sat in the {division.House} that day.");
            }

            if (NamesBill(division.Title, bill.Snapshot!.Title))
            {
                score += 2;
                reasons.Add($"The title names the bill ({bill.Snapshot.Title}).");
            }
            else if (score > 0 && !MentionsABill().IsMatch(division.Title))
            {
                // "Motion to appoint a Reasons Committee…": no bill named at all, on a day this one sat. Weak, but worth a look.
                reasons.Add("The title names no bill.");
            }
            else
            {
                continue; // it names another bill
            }

            if (score > best.Score)
            {
                best = (score, bill.BillId, reasons);
            }
        }

        return best.Score == 0 ? DivisionLink.None : new DivisionLink(DivisionLinkState.Proposed, best.BillId, best.Reasons);
    }

    private static SnapshotStage? SatThatDay(BillSnapshot bill, Division division) =>
        bill.Stages.FirstOrDefault(s => string.Equals(s.House, division.House, StringComparison.OrdinalIgnoreCase)
                                        && s.Sittings.Any(x => x.Date?.Date == division.Date.Date));

    /// <summary>The division's title contains the bill's short title, or that title without its bracketed part or "[HL]".</summary>
    private static bool NamesBill(string divisionTitle, string billTitle)
    {
        string title = Normalise(divisionTitle);
        string full = Normalise(billTitle);
        string shortened = Normalise(Bracketed().Replace(billTitle, " "));
        return title.Contains(full, StringComparison.Ordinal) || (shortened.Length >= 8 && title.Contains(shortened, StringComparison.Ordinal));
    }

    private static string Normalise(string text) =>
        Spaces().Replace(text.Replace("[HL]", " ", StringComparison.OrdinalIgnoreCase).ToLowerInvariant(), " ").Trim();

    [GeneratedRegex(@"\([^)]*\)|\[[^\]]*\]")]
    private static partial Regex Bracketed();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\bBill\b")]
    private static partial Regex MentionsABill();
}
