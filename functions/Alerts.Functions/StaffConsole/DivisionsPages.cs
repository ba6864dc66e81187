using Alerts.Audit;
using Alerts.Bills;
using Alerts.Divisions;
using Alerts.Security;
using Alerts.StaffConsole.Pages;
using Microsoft.AspNetCore.Mvc;

namespace Alerts.StaffConsole;

/// <summary>The confirm form as typed, for one division: kept so a refused form comes back as it was.</summary>
public sealed record DivisionForm(string DivisionId, string? BillId, string? AyeMeans, string? NoMeans);

/// <summary>The divisions page: those proposed for a watched bill (to confirm or dismiss), and those decided.</summary>
public sealed record DivisionsModel(IReadOnlyList<DivisionResponse> Proposed, IReadOnlyList<DivisionResponse> Decided, IReadOnlyList<WatchedBillResponse> Bills);

/// <summary>
/// Divisions: Parliament's votes that look like they are about a watched bill. Staff confirm which bill
/// each is about and say, once, what an aye and a no mean for the campaign; or dismiss it. Nothing is sent
/// about a division until it is confirmed.
/// </summary>
internal static class DivisionsPages
{
    public static RouteGroupBuilder MapDivisionsPages(this RouteGroupBuilder console)
    {
        console.MapGet("/divisions", ShowAsync);
        console.MapPost("/divisions/check", CheckAsync).WithName("ConsoleCheckDivisionsNow");
        // Confirming says what supporters are told about their MP's vote, and rules in sendAutomatically mode send on it.
        console.MapPost("/divisions/{divisionId}/confirm", ConfirmAsync).WithName("ConsoleConfirmDivision").RequiresSendScope();
        console.MapPost("/divisions/{divisionId}/dismiss", DismissAsync).WithName("ConsoleDismissDivision");
        return console;
    }

    private static async Task<IResult> ShowAsync(HttpContext http, DivisionStore divisions, BillStore bills, CancellationToken cancellationToken, string? notice = null) =>
        ConsolePage.Show<DivisionsPage>(new
        {
            User = ConsoleUser.From(http.User),
            Model = await ModelAsync(divisions, bills, cancellationToken),
            Notice = notice switch
            {
                "confirmed" => "Confirmed. Rules on \"a division is recorded\" have made their campaigns from it.",
                "dismissed" => "Dismissed: it will not be proposed again.",
                _ => null,
            },
        });

    private static async Task<DivisionsModel> ModelAsync(DivisionStore divisions, BillStore bills, CancellationToken cancellationToken)
    {
        IReadOnlyList<Division> all = await divisions.ListAsync(null, null, cancellationToken);
        return new DivisionsModel(
            [.. all.Where(d => d.Link.State == DivisionLinkState.Proposed).OrderByDescending(d => d.Date).Select(DivisionsApi.ToResponse)],
            [.. all.Where(d => d.Link.State is DivisionLinkState.Confirmed or DivisionLinkState.Dismissed).OrderByDescending(d => d.Date).Take(50).Select(DivisionsApi.ToResponse)],
            [.. (await bills.ListWatchedAsync(cancellationToken)).Select(BillsApi.ToResponse).OrderBy(b => b.ShortTitle)]);
    }

    /// <summary>Reads both Houses now, as the timer does, and says what it found (a check changes nothing staff decided).</summary>
    private static async Task<IResult> CheckAsync(HttpContext http, DivisionWatcher watcher, DivisionStore divisions, BillStore bills, CancellationToken cancellationToken)
    {
        DivisionPollSummary summary = await watcher.PollAsync(cancellationToken);
        string[] failed = [.. summary.Houses.Where(h => h.Error is not null).Select(h => "the " + h.House)];
        return ConsolePage.Show<DivisionsPage>(new
        {
            User = ConsoleUser.From(http.User),
            Model = await ModelAsync(divisions, bills, cancellationToken),
            Notice = failed.Length == 0 ? $"Checked both Houses: {summary.Houses.Sum(h => h.Recorded)} new division(s), {summary.Houses.Sum(h => h.Proposed)} proposed." : null,
            Problem = failed.Length > 0 ? $"Parliament's Votes API did not answer for {string.Join(" and ", failed)}; nothing was recorded for it. Try again later." : null,
        });
    }

    private static async Task<IResult> ConfirmAsync(
        string divisionId, [FromForm] string? billId, [FromForm] string? ayeMeans, [FromForm] string? noMeans,
        HttpContext http, DivisionLinks links, DivisionStore divisions, BillStore bills, CancellationToken cancellationToken)
    {
        var form = new DivisionForm(divisionId, billId, ayeMeans, noMeans);
        if (!int.TryParse(billId, System.Globalization.CultureInfo.InvariantCulture, out int bill))
        {
            return await PageAsync(http, divisions, bills, form, new Dictionary<string, string[]> { ["billId"] = ["Choose the watched bill this division is about."] }, null,
                StatusCodes.Status400BadRequest, cancellationToken);
        }

        DivisionOutcome outcome = await links.ConfirmAsync(divisionId, new ConfirmDivisionRequest(bill, ayeMeans, noMeans), Actors.Of(http.User), cancellationToken);
        return outcome.Change switch
        {
            DivisionChange.Done => ConsolePage.After("/console/divisions", "confirmed"),
            DivisionChange.Invalid => await PageAsync(http, divisions, bills, form, outcome.Errors, "Not confirmed: see the message by the field.",
                StatusCodes.Status400BadRequest, cancellationToken),
            DivisionChange.NotFound => await PageAsync(http, divisions, bills, null, null, "There is no such division.", StatusCodes.Status404NotFound, cancellationToken),
            _ => await PageAsync(http, divisions, bills, form, null, outcome.Conflict, StatusCodes.Status409Conflict, cancellationToken),
        };
    }

    private static async Task<IResult> DismissAsync(string divisionId, HttpContext http, DivisionLinks links, DivisionStore divisions, BillStore bills, CancellationToken cancellationToken)
    {
        DivisionOutcome outcome = await links.DismissAsync(divisionId, Actors.Of(http.User), cancellationToken);
        return outcome.Change == DivisionChange.Done
            ? ConsolePage.After("/console/divisions", "dismissed")
            : await PageAsync(http, divisions, bills, null, null, outcome.Conflict ?? "There is no such division.",
                outcome.Change == DivisionChange.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict, cancellationToken);
    }

    private static async Task<IResult> PageAsync(
        HttpContext http, DivisionStore divisions, BillStore bills, DivisionForm? form, IReadOnlyDictionary<string, string[]>? errors, string? problem, int status,
        CancellationToken cancellationToken) =>
        ConsolePage.Show<DivisionsPage>(new
        {
            User = ConsoleUser.From(http.User), Model = await ModelAsync(divisions, bills, cancellationToken), Form = form, Errors = errors, Problem = problem,
        }, status);
}
