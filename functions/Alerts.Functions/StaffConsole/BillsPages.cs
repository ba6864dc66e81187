using Alerts.Bills;
using Alerts.StaffConsole.Pages;
using Microsoft.AspNetCore.Mvc;

namespace Alerts.StaffConsole;

/// <summary>What the bills page shows: the watch list, and search results when staff searched.</summary>
public sealed record BillsModel(IReadOnlyList<WatchedBillResponse> Watched, string? Title, IReadOnlyList<BillSearchResult>? Results);

/// <summary>One bill's page: its events, newest first.</summary>
public sealed record BillModel(WatchedBillResponse Bill, IReadOnlyList<BillEventResponse> Events);

internal static class BillsPages
{
    private const string Unavailable = "Parliament's Bills API did not answer. Nothing was changed; try again in a few minutes.";

    public static RouteGroupBuilder MapBillsPages(this RouteGroupBuilder console)
    {
        console.MapGet("/bills", ShowAsync);
        console.MapPost("/bills", WatchAsync).WithName("ConsoleWatchBill");
        console.MapGet("/bills/{billId:int}", ShowBillAsync);
        console.MapPost("/bills/{billId:int}/unwatch", UnwatchAsync).WithName("ConsoleUnwatchBill");
        return console;
    }

    private static async Task<IResult> ShowAsync(
        HttpContext http, BillStore store, ParliamentBillsClient parliament, CancellationToken cancellationToken, string? title = null, string? notice = null)
    {
        IReadOnlyList<WatchedBillResponse> watched = [.. (await store.ListWatchedAsync(cancellationToken)).OrderBy(b => b.ShortTitle).Select(BillsApi.ToResponse)];
        IReadOnlyList<BillSearchResult>? results = null;
        string? problem = null;
        if (title is { Length: > 200 })
        {
            problem = "Search with up to 200 characters of the bill's title.";
        }
        else if (!string.IsNullOrWhiteSpace(title))
        {
            try
            {
                results = await BillsApi.SearchResultsAsync(title, parliament, store, cancellationToken);
            }
            catch (ParliamentApiException)
            {
                problem = Unavailable;
            }
        }

        return ConsolePage.Show<BillsPage>(new
        {
            User = ConsoleUser.From(http.User), Model = new BillsModel(watched, title, results), Problem = problem,
            Notice = notice switch { "watching" => "The bill is watched: its changes appear here from the next check.", "unwatched" => "The bill is no longer watched.", _ => null },
        });
    }

    private static async Task<IResult> WatchAsync([FromForm] string? billId, HttpContext http, BillWatcher watcher, BillStore store, CancellationToken cancellationToken)
    {
        string? error = null;
        if (!int.TryParse(billId, out int id) || id < 1)
        {
            error = "Give the bill's number, as in bills.parliament.uk/bills/3023.";
        }
        else
        {
            try
            {
                WatchOutcome outcome = await watcher.WatchAsync(id, cancellationToken);
                if (outcome.Result is WatchResult.Watching or WatchResult.AlreadyWatched)
                {
                    return ConsolePage.After($"/console/bills/{id}", "watching");
                }

                error = outcome.Result == WatchResult.NoSuchBill ? $"Parliament has no bill {id}." : "Give the bill's number, as in bills.parliament.uk/bills/3023.";
            }
            catch (ParliamentApiException)
            {
                error = Unavailable;
            }
        }

        IReadOnlyList<WatchedBillResponse> watched = [.. (await store.ListWatchedAsync(cancellationToken)).OrderBy(b => b.ShortTitle).Select(BillsApi.ToResponse)];
        return ConsolePage.Show<BillsPage>(new
        {
            User = ConsoleUser.From(http.User), Model = new BillsModel(watched, null, null),
            BillId = billId, Errors = new Dictionary<string, string[]> { ["billId"] = [error] },
        }, StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> ShowBillAsync(int billId, HttpContext http, BillStore store, CancellationToken cancellationToken, string? notice = null)
    {
        if (await store.FindWatchedAsync(billId, cancellationToken) is not { } bill)
        {
            return ConsolePage.Show<NotFoundPage>(new { User = ConsoleUser.From(http.User), What = $"Bill {billId} is not watched.", Back = "/console/bills" }, StatusCodes.Status404NotFound);
        }

        IReadOnlyList<BillEventResponse> events = [.. (await store.ListEventsAsync(billId, cancellationToken: cancellationToken)).OrderByDescending(e => e.DetectedAt).Select(BillsApi.ToResponse)];
        return ConsolePage.Show<WatchedBillPage>(new
        {
            User = ConsoleUser.From(http.User), Model = new BillModel(BillsApi.ToResponse(bill), events),
            Notice = notice == "watching" ? "The bill is watched. Alerts checks it on its schedule and records each change once." : null,
        });
    }

    private static async Task<IResult> UnwatchAsync(int billId, BillStore store, CancellationToken cancellationToken)
    {
        await store.RemoveWatchedAsync(billId, cancellationToken);
        return ConsolePage.After("/console/bills", "unwatched");
    }
}
