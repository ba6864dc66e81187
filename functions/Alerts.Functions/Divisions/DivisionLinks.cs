using Alerts.Bills;

namespace Alerts.Divisions;

public enum DivisionChange
{
    Done,
    NotFound,
    Invalid,
    Conflict,
}

/// <summary>What came of a staff decision on a division: the division, field errors, or a conflict in words.</summary>
internal sealed record DivisionOutcome(DivisionChange Change, Division? Division, IReadOnlyDictionary<string, string[]>? Errors = null, string? Conflict = null)
{
    public static readonly DivisionOutcome NotFound = new(DivisionChange.NotFound, null);
}

/// <summary>Staff's link from a division to a watched bill, with one line each for what an aye and a no mean for the campaign.</summary>
public sealed record ConfirmDivisionRequest(int BillId, string? AyeMeans, string? NoMeans);

/// <summary>
/// Staff decisions on divisions, and the step that turns a confirmed one into a bill event. Confirming
/// writes the link first and the event second; a crash between them leaves a confirmed division not yet
/// announced, which the next watcher run (or a repeated confirm) announces. The event's key is derived from
/// the division, so announcing twice records it once, and rules make one campaign per rule from it.
/// </summary>
internal sealed partial class DivisionLinks(
    DivisionStore divisions,
    BillStore bills,
    BillWatcher watcher,
    CommonsVotesClient commons,
    TimeProvider time,
    ILogger<DivisionLinks> logger)
{
    private const int MaxMeaningLength = 200;
    private const int MaxRaces = 3;

    public async Task<DivisionOutcome> ConfirmAsync(string id, ConfirmDivisionRequest request, string actor, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        foreach ((string field, string? value) in new[] { ("ayeMeans", request.AyeMeans), ("noMeans", request.NoMeans) })
        {
            if (string.IsNullOrWhiteSpace(value) || value.Length > MaxMeaningLength)
            {
                errors[field] = [$"Say in 1 to {MaxMeaningLength} characters what this side's vote means for the campaign, e.g. \"voted to protect victims' support\"."];
            }
        }

        WatchedBill? bill = request.BillId > 0 ? await bills.FindWatchedAsync(request.BillId, cancellationToken) : null;
        if (bill is null)
        {
            errors["billId"] = ["Not a watched bill: watch it first, then link the division to it."];
        }

        if (await divisions.GetAsync(id, cancellationToken) is not { } division)
        {
            return DivisionOutcome.NotFound;
        }

        if (errors.Count > 0)
        {
            return new DivisionOutcome(DivisionChange.Invalid, division, errors);
        }

        for (int attempt = 0; attempt < MaxRaces; attempt++)
        {
            if (division.Link.State == DivisionLinkState.Confirmed)
            {
                // Confirming again with the same answer is harmless (and finishes an announcement a crash cut short).
                if (division.Link.BillId != request.BillId || division.Link.AyeMeans != request.AyeMeans!.Trim() || division.Link.NoMeans != request.NoMeans!.Trim())
                {
                    return new DivisionOutcome(DivisionChange.Conflict, division, Conflict:
                        $"This division was already confirmed by {division.Link.ConfirmedBy} for bill {division.Link.BillId}, and alert rules may have acted on it. It cannot be changed.");
                }

                return new DivisionOutcome(DivisionChange.Done, await AnnounceAsync(division, cancellationToken));
            }

            DivisionRoll? roll = division.Roll;
            if (division.House == DivisionIds.Commons && roll is not { IsPublished: true })
            {
                // Nobody is told how their MP voted until the names are out (about 15 minutes after the vote).
                roll = await commons.GetAsync(division.DivisionId, cancellationToken) is { } detail ? DivisionRoll.From(detail) : null;
                if (roll is not { IsPublished: true })
                {
                    return new DivisionOutcome(DivisionChange.Conflict, division, Conflict:
                        "Parliament has not published who voted in this division yet (it usually does within 15 minutes to 3 hours). Try again later.");
                }
            }

            Division confirmed = division with
            {
                Roll = roll,
                UpdatedAt = time.GetUtcNow(),
                Link = new DivisionLink(DivisionLinkState.Confirmed, bill!.BillId, division.Link.BillId == bill.BillId ? division.Link.Reasons : ["Linked by staff."],
                    request.AyeMeans!.Trim(), request.NoMeans!.Trim(), actor, time.GetUtcNow()),
            };
            if (await divisions.TryReplaceAsync(confirmed, cancellationToken))
            {
                LogConfirmed(logger, division.Id, bill.BillId);
                return new DivisionOutcome(DivisionChange.Done, await AnnounceAsync((await divisions.GetAsync(id, cancellationToken))!, cancellationToken));
            }

            division = (await divisions.GetAsync(id, cancellationToken))!; // the watcher updated it meanwhile: decide again on what it wrote
        }

        return new DivisionOutcome(DivisionChange.Conflict, division, Conflict: "The division was being updated from Parliament at the same moment. Try again.");
    }

    /// <summary>Says a division is about none of the watched bills, so it is not proposed again. A confirmed one stays confirmed.</summary>
    public async Task<DivisionOutcome> DismissAsync(string id, string actor, CancellationToken cancellationToken = default)
    {
        for (int attempt = 0; attempt < MaxRaces; attempt++)
        {
            if (await divisions.GetAsync(id, cancellationToken) is not { } division)
            {
                return DivisionOutcome.NotFound;
            }

            if (division.Link.State == DivisionLinkState.Confirmed)
            {
                return new DivisionOutcome(DivisionChange.Conflict, division, Conflict:
                    $"This division was confirmed by {division.Link.ConfirmedBy} for bill {division.Link.BillId}, and alert rules may have acted on it. It cannot be dismissed.");
            }

            Division dismissed = division with { Link = new DivisionLink(DivisionLinkState.Dismissed, ConfirmedBy: actor, ConfirmedAt: time.GetUtcNow()), UpdatedAt = time.GetUtcNow() };
            if (division.Link.State == DivisionLinkState.Dismissed || await divisions.TryReplaceAsync(dismissed, cancellationToken))
            {
                return new DivisionOutcome(DivisionChange.Done, await divisions.GetAsync(id, cancellationToken));
            }
        }

        return new DivisionOutcome(DivisionChange.Conflict, null, Conflict: "The division was being updated from Parliament at the same moment. Try again.");
    }

    /// <summary>Announces every confirmed division a crash left unannounced. Called by each watcher run.</summary>
    public async Task<int> AnnouncePendingAsync(CancellationToken cancellationToken = default)
    {
        int announced = 0;
        foreach (Division division in await divisions.ListAsync(state: DivisionLinkState.Confirmed, cancellationToken: cancellationToken))
        {
            if (!division.Announced)
            {
                await AnnounceAsync(division, cancellationToken);
                announced++;
            }
        }

        return announced;
    }

    /// <summary>Records the division as an event of its bill and hands it to the rules; then marks it announced.</summary>
    private async Task<Division> AnnounceAsync(Division division, CancellationToken cancellationToken)
    {
        int billId = division.Link.BillId!.Value;
        WatchedBill? bill = await bills.FindWatchedAsync(billId, cancellationToken);
        SnapshotStage? stage = bill?.Snapshot?.Stages.FirstOrDefault(s =>
            string.Equals(s.House, division.House, StringComparison.OrdinalIgnoreCase) && s.Sittings.Any(x => x.Date?.Date == division.Date.Date));
        var billEvent = new BillEvent(
            "division-" + division.Id, billId, BillEventKind.DivisionRecorded, bill?.ShortTitle ?? $"Bill {billId}",
            Stage: stage?.Description, StageTypeId: stage?.StageTypeId, BillStageId: stage?.BillStageId, House: division.House,
            SittingDate: division.Date.Date, Division: division.ToContext());
        if (await bills.TryAddEventAsync(billEvent, time.GetUtcNow(), cancellationToken))
        {
            LogAnnounced(logger, division.Id, billEvent.EventId);
        }

        await watcher.HandOffEventsAsync(billId, cancellationToken);

        // Marked last: until then every run announces it again, harmlessly.
        for (int attempt = 0; attempt < MaxRaces && !division.Announced; attempt++)
        {
            if (await divisions.TryReplaceAsync(division with { Announced = true }, cancellationToken))
            {
                return (await divisions.GetAsync(division.Id, cancellationToken))!;
            }

            division = (await divisions.GetAsync(division.Id, cancellationToken))!;
        }

        return division;
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Division {DivisionId} confirmed for bill {BillId}")]
    private static partial void LogConfirmed(ILogger logger, string divisionId, int billId);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Division {DivisionId} recorded as bill event {EventId}")]
    private static partial void LogAnnounced(ILogger logger, string divisionId, string eventId);
}
