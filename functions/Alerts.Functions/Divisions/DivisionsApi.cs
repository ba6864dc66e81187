using System.Security.Claims;
using Alerts.Audit;
using Alerts.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alerts.Divisions;

public sealed record DivisionLinkResponse(
    DivisionLinkState State, int? BillId, IReadOnlyList<string> Reasons, string? AyeMeans, string? NoMeans, string? DecidedBy, DateTimeOffset? DecidedAt);

public sealed record DivisionResponse(
    string Id, string House, int Number, DateTime Date, string Title, string? Notes, bool IsDeferred, int AyeCount, int NoCount, string Result,
    bool NamesPublished, bool Announced, DivisionLinkResponse Link, DateTimeOffset RecordedAt, DateTimeOffset UpdatedAt, Uri Url);

/// <summary>What one check of both Houses did, as the timer's run would log it.</summary>
public sealed record DivisionCheckResponse(IReadOnlyList<HouseCheckResponse> Houses, int Announced);

public sealed record HouseCheckResponse(string House, int Read, int Recorded, int Republished, int Proposed, string? Error);

/// <summary>Staff endpoints for divisions: what Parliament voted on, which watched bill each is about, and what each side means.</summary>
internal static class DivisionsApi
{
    public static RouteGroupBuilder MapDivisionsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/divisions", ListAsync).WithName("ListDivisions");
        api.MapPost("/divisions/check", CheckNowAsync).WithName("CheckDivisionsNow");
        api.MapGet("/divisions/{divisionId}", GetAsync).WithName("GetDivision");
        // Confirming says what supporters are told about their MP's vote, and rules in sendAutomatically mode send on it.
        api.MapPost("/divisions/{divisionId}/confirm", ConfirmAsync).WithName("ConfirmDivision").RequiresSendScope();
        api.MapPost("/divisions/{divisionId}/dismiss", DismissAsync).WithName("DismissDivision");
        return api;
    }

    private static async Task<Results<Ok<List<DivisionResponse>>, ValidationProblem>> ListAsync(
        string? house, string? state, DivisionStore store, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        string? normalised = house?.ToLowerInvariant() switch { null => null, "commons" => DivisionIds.Commons, "lords" => DivisionIds.Lords, _ => "" };
        if (normalised == "")
        {
            errors["house"] = ["Commons or Lords."];
        }

        DivisionLinkState? linkState = null;
        if (state is not null)
        {
            if (Enum.TryParse(state, ignoreCase: true, out DivisionLinkState parsed) && Enum.IsDefined(parsed) && !char.IsDigit(state[0]))
            {
                linkState = parsed;
            }
            else
            {
                errors["state"] = [$"One of {string.Join(", ", Enum.GetNames<DivisionLinkState>().Select(n => n.ToLowerInvariant()))}."];
            }
        }

        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok((await store.ListAsync(normalised, linkState, cancellationToken)).Select(ToResponse).ToList());
    }

    private static async Task<Ok<DivisionCheckResponse>> CheckNowAsync(DivisionWatcher watcher, CancellationToken cancellationToken)
    {
        DivisionPollSummary summary = await watcher.PollAsync(cancellationToken);
        return TypedResults.Ok(new DivisionCheckResponse(
            [.. summary.Houses.Select(h => new HouseCheckResponse(h.House, h.Read, h.Recorded, h.Republished, h.Proposed, h.Error is null ? null : "Parliament's Votes API did not answer usefully."))],
            summary.Announced));
    }

    private static async Task<Results<Ok<DivisionResponse>, NotFound, ValidationProblem>> GetAsync(string divisionId, DivisionStore store, CancellationToken cancellationToken) =>
        !DivisionIds.TryParse(divisionId, out _, out _) ? BadId()
        : await store.GetAsync(divisionId, cancellationToken) is { } division ? TypedResults.Ok(ToResponse(division))
        : TypedResults.NotFound();

    private static async Task<Results<Ok<DivisionResponse>, NotFound, ValidationProblem, ProblemHttpResult>> ConfirmAsync(
        string divisionId, ConfirmDivisionRequest request, ClaimsPrincipal user, DivisionLinks links, CancellationToken cancellationToken) =>
        DivisionIds.TryParse(divisionId, out _, out _)
            ? ToResult(await links.ConfirmAsync(divisionId, request, Actors.Of(user), cancellationToken))
            : BadId();

    private static async Task<Results<Ok<DivisionResponse>, NotFound, ValidationProblem, ProblemHttpResult>> DismissAsync(
        string divisionId, ClaimsPrincipal user, DivisionLinks links, CancellationToken cancellationToken) =>
        DivisionIds.TryParse(divisionId, out _, out _)
            ? ToResult(await links.DismissAsync(divisionId, Actors.Of(user), cancellationToken))
            : BadId();

    private static Results<Ok<DivisionResponse>, NotFound, ValidationProblem, ProblemHttpResult> ToResult(DivisionOutcome outcome) => outcome.Change switch
    {
        DivisionChange.Done => TypedResults.Ok(ToResponse(outcome.Division!)),
        DivisionChange.NotFound => TypedResults.NotFound(),
        DivisionChange.Invalid => TypedResults.ValidationProblem(outcome.Errors!),
        _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The division cannot be changed now", detail: outcome.Conflict),
    };

    private static ValidationProblem BadId() =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["divisionId"] = ["A division id is the House and its number, e.g. commons-1873 or lords-3172."] });

    internal static DivisionResponse ToResponse(Division d) => new(
        d.Id, d.House, d.Number, d.Date, d.Title, d.Notes, d.IsDeferred, d.AyeCount, d.NoCount, d.ToContext().Result,
        d.Roll is { IsPublished: true }, d.Announced,
        new DivisionLinkResponse(d.Link.State, d.Link.BillId, d.Link.Reasons ?? [], d.Link.AyeMeans, d.Link.NoMeans, d.Link.ConfirmedBy, d.Link.ConfirmedAt),
        d.RecordedAt, d.UpdatedAt, d.Url);
}
