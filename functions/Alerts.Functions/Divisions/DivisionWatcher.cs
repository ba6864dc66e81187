using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Alerts.Bills;
using Microsoft.Extensions.Options;

namespace Alerts.Divisions;

/// <summary>What one run did in one House; <c>Error</c> says why the House could not be read.</summary>
internal sealed record HousePoll(string House, int Read, int Recorded, int Republished, int Proposed, string? Error);

internal sealed record DivisionPollSummary(IReadOnlyList<HousePoll> Houses, int Announced);

/// <summary>
/// Reads each House's new divisions and records each once (insert-if-absent on its id), proposing a link
/// to a watched bill where the clues point to one. Every division from a little before the newest one seen
/// (<see cref="VotesOptions.RecheckWindow"/>) is read again on each run, because Parliament re-publishes
/// lists: a changed one is written over the old, whole, and never makes a second event. A House that cannot
/// be read is one logged error and no writes for that House; the other House carries on.
/// </summary>
internal sealed partial class DivisionWatcher(
    CommonsVotesClient commons,
    LordsVotesClient lords,
    DivisionStore store,
    BillStore bills,
    DivisionLinks links,
    IOptions<VotesOptions> options,
    TimeProvider time,
    ILogger<DivisionWatcher> logger)
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    public async Task<DivisionPollSummary> PollAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<WatchedBill> watched = await bills.ListWatchedAsync(cancellationToken);
        var houses = new List<HousePoll>();
        foreach (string house in new[] { DivisionIds.Commons, DivisionIds.Lords })
        {
            try
            {
                houses.Add(await PollHouseAsync(house, watched, cancellationToken));
            }
            catch (ParliamentApiException ex)
            {
                LogHouseFailed(logger, house, ex.Message);
                houses.Add(new HousePoll(house, 0, 0, 0, 0, ex.Message));
            }
        }

        int announced = await links.AnnouncePendingAsync(cancellationToken);
        return new DivisionPollSummary(houses, announced);
    }

    private async Task<HousePoll> PollHouseAsync(string house, IReadOnlyList<WatchedBill> watched, CancellationToken cancellationToken)
    {
        (DateOnly? watermark, Azure.ETag etag) = await store.GetWatermarkAsync(house, cancellationToken);
        DateOnly today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), London).DateTime);
        int windowDays = (int)Math.Ceiling(options.Value.RecheckWindow.TotalDays);
        DateOnly from = watermark?.AddDays(-windowDays) ?? options.Value.WatchFrom ?? today.AddDays(-windowDays);

        // Every page is read before anything is written: a failure part way records nothing for this House.
        IReadOnlyList<Division> read = await SearchAsync(house, from, cancellationToken);

        // What is stored for the divisions read: one range query, not a read per division.
        Dictionary<int, Division> stored = read.Count == 0 ? []
            : (await store.ListFromAsync(house, read.Min(d => d.DivisionId), cancellationToken)).ToDictionary(d => d.DivisionId);
        int recorded = 0, republished = 0, proposed = 0;
        foreach (Division fresh in read.OrderBy(d => d.Date).ThenBy(d => d.DivisionId))
        {
            Division? existing = stored.GetValueOrDefault(fresh.DivisionId);
            DivisionLink link = existing?.Link is { State: not DivisionLinkState.Unlinked } kept ? kept : DivisionLinker.Propose(fresh, watched);
            bool changed = existing is not null && existing.Fingerprint != fresh.Fingerprint;
            bool newlyProposed = link.State == DivisionLinkState.Proposed && existing?.Link.State != DivisionLinkState.Proposed;

            // The roll is read only for divisions about a watched bill (that is when it is needed), again when
            // the division is re-published, and until the names are out.
            bool needsRoll = house == DivisionIds.Commons && link.State is DivisionLinkState.Proposed or DivisionLinkState.Confirmed
                && (existing?.Roll is not { IsPublished: true } || changed);
            if (existing is not null && !changed && !newlyProposed && !needsRoll)
            {
                continue;
            }

            Division division = needsRoll && await commons.GetAsync(fresh.DivisionId, cancellationToken) is { } detail
                ? FromCommons(detail) with { Roll = DivisionRoll.From(detail) }
                : fresh with { Roll = existing?.Roll };
            DateTimeOffset now = time.GetUtcNow();
            if (existing is null)
            {
                if (await store.TryAddAsync(division with { Link = link, RecordedAt = now, UpdatedAt = now }, cancellationToken))
                {
                    recorded++;
                    proposed += link.State == DivisionLinkState.Proposed ? 1 : 0;
                    LogRecorded(logger, division.Id, link.State);
                }

                continue;
            }

            // A lost race means another run wrote what it read; the next run compares again.
            if (await store.TryReplaceAsync(division with
                {
                    Link = link, RecordedAt = existing.RecordedAt, UpdatedAt = now, Announced = existing.Announced, ETag = existing.ETag,
                }, cancellationToken))
            {
                republished += changed ? 1 : 0;
                proposed += newlyProposed ? 1 : 0;
                if (changed)
                {
                    LogRepublished(logger, division.Id);
                }
            }
        }

        DateOnly? newest = read.Count == 0 ? null : DateOnly.FromDateTime(read.Max(d => d.Date));
        if (newest is not null && (watermark is null || newest > watermark))
        {
            await store.SaveWatermarkAsync(house, newest.Value, etag, cancellationToken);
        }

        return new HousePoll(house, read.Count, recorded, republished, proposed, null);
    }

    private async Task<IReadOnlyList<Division>> SearchAsync(string house, DateOnly from, CancellationToken cancellationToken)
    {
        var read = new Dictionary<int, Division>();
        int take = options.Value.PageSize;
        for (int page = 0; page < options.Value.MaxPagesPerRun; page++)
        {
            IReadOnlyList<Division> items = house == DivisionIds.Commons
                ? [.. (await commons.SearchAsync(from, page * take, take, cancellationToken)).Select(FromCommons)]
                : [.. (await lords.SearchAsync(from, page * take, take, cancellationToken)).Select(FromLords)];
            foreach (Division division in items)
            {
                read.TryAdd(division.DivisionId, division); // a division published between two pages can appear on both
            }

            if (items.Count < take)
            {
                break;
            }
        }

        return [.. read.Values];
    }

    private static Division FromCommons(CommonsDivision d) => new(
        DivisionIds.Commons, d.DivisionId, d.Number, d.Date, d.Title?.Trim() ?? $"Division {d.Number}", null, d.IsDeferred, d.AyeCount, d.NoCount,
        // What the Commons says changed when it re-publishes; the counts and title are there too in case it does not.
        FormattableString.Invariant($"{d.PublicationUpdated:O}|{d.AyeCount}|{d.NoCount}|{d.Title}"),
        default, default, DivisionLink.None, null, false);

    private static Division FromLords(LordsDivision d)
    {
        string? notes = d.AmendmentMotionNotes is { Length: > 0 } html ? WebUtility.HtmlDecode(Tags().Replace(html, " ")).Trim() : null;
        // The Lords has no publication timestamp: a change anywhere in what it says is a re-publication.
        string said = string.Join('|', d.Title, notes, d.AuthoritativeContentCount, d.AuthoritativeNotContentCount,
            string.Join(',', (d.Contents ?? []).Select(m => m.MemberId).Order()), string.Join(',', (d.NotContents ?? []).Select(m => m.MemberId).Order()));
        return new Division(DivisionIds.Lords, d.DivisionId, d.Number, d.Date, d.Title?.Trim() ?? $"Division {d.Number}", notes, false,
            d.AuthoritativeContentCount, d.AuthoritativeNotContentCount, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(said)))[..32],
            default, default, DivisionLink.None, null, false);
    }

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [LoggerMessage(EventId = 3111, Level = LogLevel.Error, Message = "Could not read {House} divisions: {Reason}")]
    private static partial void LogHouseFailed(ILogger logger, string house, string reason);

    [LoggerMessage(EventId = 3112, Level = LogLevel.Information, Message = "Division {DivisionId} recorded ({LinkState})")]
    private static partial void LogRecorded(ILogger logger, string divisionId, DivisionLinkState linkState);

    [LoggerMessage(EventId = 3113, Level = LogLevel.Information, Message = "Division {DivisionId} re-published by Parliament: updated")]
    private static partial void LogRepublished(ILogger logger, string divisionId);
}
