using Microsoft.AspNetCore.Http.HttpResults;

namespace Alerts.Bills;

public sealed record WatchBillRequest(int BillId);

public sealed record WatchedBillResponse(
    int BillId, string ShortTitle, string? CurrentStage, string? CurrentHouse,
    DateTimeOffset AddedAt, DateTimeOffset? LastCheckedAt, DateTimeOffset? LastChangeAt, Uri BillUrl);

public sealed record BillSearchResult(int BillId, string? ShortTitle, string? CurrentStage, string? CurrentHouse, bool IsAct, bool Watched, Uri BillUrl);

public sealed record BillEventResponse(
    string EventId, int BillId, string Kind, string BillTitle, string? Stage, string? House,
    DateOnly? SittingDate, DateOnly? PreviousSittingDate, string? PreviousTitle,
    DateTimeOffset? DetectedAtUtc, DateTime? DetectedAtLondon, Uri BillUrl, Divisions.DivisionContext? Division = null);

/// <summary>What one check of the watched bills did, as the timer's run would log it.</summary>
public sealed record BillCheckResponse(int BillsChecked, int EventsRecorded, int Failures);

public sealed record BillEventPage(IReadOnlyList<BillEventResponse> Items, int Page, int PageSize, int TotalResults);

/// <summary>Staff endpoints for the watch list and the events it records.</summary>
internal static class BillsApi
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    public static RouteGroupBuilder MapBillsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/bills", ListWatchedAsync).WithName("ListWatchedBills");
        api.MapPost("/bills", WatchAsync).WithName("WatchBill");
        api.MapGet("/bills/search", SearchAsync).WithName("SearchBills");
        api.MapPost("/bills/check", CheckNowAsync).WithName("CheckBillsNow");
        api.MapDelete("/bills/{billId:int}", UnwatchAsync).WithName("UnwatchBill");
        api.MapGet("/bills/{billId:int}/events", ListBillEventsAsync).WithName("ListBillEvents");
        api.MapGet("/events", ListRecentEventsAsync).WithName("ListRecentBillEvents");
        return api;
    }

    private static async Task<Ok<List<WatchedBillResponse>>> ListWatchedAsync(BillStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListWatchedAsync(cancellationToken)).OrderBy(b => b.BillId).Select(ToResponse).ToList());

    private static async Task<Results<Created<WatchedBillResponse>, Ok<WatchedBillResponse>, ProblemHttpResult, ValidationProblem>> WatchAsync(
        WatchBillRequest request, BillWatcher watcher, CancellationToken cancellationToken)
    {
        WatchOutcome outcome = await watcher.WatchAsync(request.BillId, cancellationToken);
        return outcome.Result switch
        {
            WatchResult.Invalid => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["billId"] = ["A bill's id, as in bills.parliament.uk/bills/3023."] }),
            WatchResult.NoSuchBill => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Bill not found",
                detail: $"The Parliament Bills API has no bill {request.BillId}."),
            WatchResult.Watching => TypedResults.Created($"/api/v1/bills/{outcome.Bill!.BillId}", ToResponse(outcome.Bill)),
            _ => TypedResults.Ok(ToResponse(outcome.Bill!)),
        };
    }

    /// <summary>
    /// The WatchBills run, now: safe beside the timer's own, since each change is recorded insert-if-absent
    /// and each snapshot replaced under its ETag. Parliament down → 502, nothing recorded.
    /// </summary>
    private static async Task<Ok<BillCheckResponse>> CheckNowAsync(BillWatcher watcher, CancellationToken cancellationToken)
    {
        PollSummary summary = await watcher.PollAsync(cancellationToken);
        return TypedResults.Ok(new BillCheckResponse(summary.BillsChecked, summary.EventsRecorded, summary.Failures));
    }

    private static async Task<Results<Ok<List<BillSearchResult>>, ValidationProblem>> SearchAsync(
        string? title, ParliamentBillsClient parliament, BillStore store, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(title) || title.Length > 200)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["title"] = ["Give 1 to 200 characters of the bill's title."] });
        }

        return TypedResults.Ok(await SearchResultsAsync(title, parliament, store, cancellationToken));
    }

    /// <summary>Parliament's bills matching a title (1 to 200 characters), each saying whether it is watched.</summary>
    internal static async Task<List<BillSearchResult>> SearchResultsAsync(string title, ParliamentBillsClient parliament, BillStore store, CancellationToken cancellationToken)
    {
        HashSet<int> watched = (await store.ListWatchedAsync(cancellationToken)).Select(b => b.BillId).ToHashSet();
        BillPage page = await parliament.SearchBillsAsync(title.Trim(), 20, cancellationToken);
        return (page.Items ?? []).Select(b => new BillSearchResult(
            b.BillId, b.ShortTitle, b.CurrentStage?.Description, b.CurrentHouse, b.IsAct == true, watched.Contains(b.BillId),
            BillLinks.BillPage(b.BillId))).ToList();
    }

    private static async Task<Results<NoContent, NotFound>> UnwatchAsync(int billId, BillStore store, CancellationToken cancellationToken) =>
        await store.RemoveWatchedAsync(billId, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Results<Ok<BillEventPage>, NotFound, ValidationProblem>> ListBillEventsAsync(
        int billId, BillStore store, CancellationToken cancellationToken, int page = 1, int pageSize = 20)
    {
        if (PagingErrors(page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await store.FindWatchedAsync(billId, cancellationToken) is null)
        {
            return TypedResults.NotFound();
        }

        IReadOnlyList<BillEvent> events = await store.ListEventsAsync(billId, cancellationToken: cancellationToken);
        return TypedResults.Ok(new BillEventPage(
            events.Skip((page - 1) * pageSize).Take(pageSize).Select(ToResponse).ToList(), page, pageSize, events.Count));
    }

    private static async Task<Results<Ok<List<BillEventResponse>>, ValidationProblem>> ListRecentEventsAsync(
        BillStore store, TimeProvider time, CancellationToken cancellationToken, int days = 14, int limit = 50)
    {
        var errors = new Dictionary<string, string[]>();
        if (days is < 1 or > 365)
        {
            errors["days"] = ["Must be from 1 to 365."];
        }

        if (limit is < 1 or > 500)
        {
            errors["limit"] = ["Must be from 1 to 500."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        IReadOnlyList<BillEvent> events = await store.ListRecentEventsAsync(time.GetUtcNow().AddDays(-days), limit, cancellationToken);
        return TypedResults.Ok(events.Select(ToResponse).ToList());
    }

    private static Dictionary<string, string[]>? PagingErrors(int page, int pageSize)
    {
        var errors = new Dictionary<string, string[]>();
        if (page < 1)
        {
            errors["page"] = ["Must be 1 or more."];
        }

        if (pageSize is < 1 or > 100)
        {
            errors["pageSize"] = ["Must be from 1 to 100."];
        }

        return errors.Count > 0 ? errors : null;
    }

    internal static WatchedBillResponse ToResponse(WatchedBill bill) => new(
        bill.BillId, bill.ShortTitle, bill.CurrentStage, bill.CurrentHouse, bill.AddedAt, bill.LastCheckedAt, bill.LastChangeAt,
        BillLinks.BillPage(bill.BillId));

    internal static BillEventResponse ToResponse(BillEvent e) => new(
        e.EventId, e.BillId, e.Kind.ToString(), e.BillTitle, e.Stage, e.House,
        e.SittingDate is { } d ? DateOnly.FromDateTime(d) : null,
        e.PreviousSittingDate is { } p ? DateOnly.FromDateTime(p) : null,
        e.PreviousTitle,
        e.DetectedAt,
        e.DetectedAt is { } at ? TimeZoneInfo.ConvertTime(at, London).DateTime : null,
        e.BillUrl,
        e.Division);
}
