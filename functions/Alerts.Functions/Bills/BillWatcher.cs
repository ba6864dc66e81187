using Microsoft.Extensions.Options;

namespace Alerts.Bills;

internal sealed record PollSummary(int BillsChecked, int EventsRecorded, int Failures);

internal enum WatchResult
{
    Watching,
    AlreadyWatched,
    NoSuchBill,
    Invalid,
}

/// <summary>What came of asking to watch a bill; <see cref="Bill"/> is the watched bill when there is one.</summary>
internal sealed record WatchOutcome(WatchResult Result, WatchedBill? Bill);

/// <summary>
/// Polls Parliament for the watched bills and records each stage change once. The update-ordered bill
/// list, read down to the stored watermark, says which watched bills to look at, so a quiet run costs one
/// or two list requests whatever the number of watched bills.
/// </summary>
internal sealed partial class BillWatcher(
    ParliamentBillsClient parliament,
    BillStore store,
    IEnumerable<IBillEventSubscriber> subscribers,
    IOptions<ParliamentOptions> options,
    Hosting.AlertsMetrics metrics,
    TimeProvider time,
    ILogger<BillWatcher> logger)
{
    private const int MaxSnapshotRaces = 3;

    public async Task<PollSummary> PollAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<WatchedBill> watched = await store.ListWatchedAsync(cancellationToken);
        if (watched.Count == 0)
        {
            return new PollSummary(0, 0, 0);
        }

        (DateTime? watermark, Azure.ETag watermarkETag) = await store.GetWatermarkAsync(cancellationToken);
        (HashSet<int>? updated, DateTime? newest) = await ListUpdatedSinceAsync(watermark, cancellationToken);

        DateTimeOffset now = time.GetUtcNow();
        var candidates = watched.Where(b =>
                updated is null || updated.Contains(b.BillId) || b.Snapshot is null || b.HandoffPending || b.RetryPending
                || b.LastCheckedAt is null || now - b.LastCheckedAt >= options.Value.FullCheckInterval)
            .ToList();

        int recorded = 0, failures = 0;
        foreach (WatchedBill bill in candidates)
        {
            try
            {
                recorded += await CheckBillAsync(bill, cancellationToken);
            }
            catch (ParliamentApiException ex)
            {
                // One bad bill does not stop the others; it is checked again on the next run.
                failures++;
                LogBillFailed(logger, bill.BillId, ex.Message);
                await store.TrySetFlagsAsync(bill, retryPending: true, cancellationToken: cancellationToken);
            }
        }

        if (newest is not null && (watermark is null || newest > watermark))
        {
            await store.SaveWatermarkAsync(newest.Value, watermarkETag, cancellationToken);
        }

        metrics.BillsPolled.Add(candidates.Count - failures);
        metrics.BillEventsRecorded.Add(recorded);
        LogPolled(logger, watched.Count, candidates.Count, recorded, failures);
        return new PollSummary(candidates.Count, recorded, failures);
    }

    /// <summary>Starts watching a bill, with its current state as the baseline.</summary>
    public async Task<WatchOutcome> WatchAsync(int billId, CancellationToken cancellationToken = default)
    {
        if (billId < 1)
        {
            return new WatchOutcome(WatchResult.Invalid, null);
        }

        if (await store.FindWatchedAsync(billId, cancellationToken) is { } existing)
        {
            return new WatchOutcome(WatchResult.AlreadyWatched, existing);
        }

        BillSummary? bill = await parliament.GetBillAsync(billId, cancellationToken);
        if (bill is null)
        {
            return new WatchOutcome(WatchResult.NoSuchBill, null);
        }

        IReadOnlyList<BillStage> stages = await parliament.GetStagesAsync(billId, cancellationToken);
        bool created = await store.AddWatchedAsync(billId, BillSnapshot.From(bill, stages), time.GetUtcNow(), cancellationToken);
        return new WatchOutcome(created ? WatchResult.Watching : WatchResult.AlreadyWatched, await store.FindWatchedAsync(billId, cancellationToken));
    }

    /// <summary>
    /// The ids of bills updated after the watermark, and the newest update seen; a null set means
    /// "look at every watched bill" (no watermark yet, or more changes than a run reads).
    /// </summary>
    private async Task<(HashSet<int>? Updated, DateTime? Newest)> ListUpdatedSinceAsync(DateTime? watermark, CancellationToken cancellationToken)
    {
        if (watermark is null)
        {
            // First run: every watched bill is checked anyway; the list only supplies the first watermark.
            BillPage first = await parliament.ListBillsByLastUpdateAsync(0, 1, cancellationToken);
            return (null, first.Items?.FirstOrDefault()?.LastUpdate);
        }

        var updated = new HashSet<int>();
        DateTime? newest = null;
        int pageSize = options.Value.PageSize;
        for (int page = 0; page < options.Value.MaxPagesPerRun; page++)
        {
            BillPage bills = await parliament.ListBillsByLastUpdateAsync(page * pageSize, pageSize, cancellationToken);
            foreach (BillSummary bill in bills.Items ?? [])
            {
                newest ??= bill.LastUpdate;
                if (bill.LastUpdate <= watermark)
                {
                    return (updated, newest);
                }

                updated.Add(bill.BillId);
            }

            if (bills.Items is null || bills.Items.Count < pageSize)
            {
                return (updated, newest);
            }
        }

        return (null, newest);
    }

    private async Task<int> CheckBillAsync(WatchedBill bill, CancellationToken cancellationToken)
    {
        BillSummary current = await parliament.GetBillAsync(bill.BillId, cancellationToken)
            ?? throw new ParliamentApiException($"Bill {bill.BillId} is no longer in the Bills API.");
        BillSnapshot latest = BillSnapshot.From(current, await parliament.GetStagesAsync(bill.BillId, cancellationToken));

        int recorded = 0;
        WatchedBill? row = bill;
        for (int attempt = 0; attempt < MaxSnapshotRaces && row is not null; attempt++)
        {
            DateTimeOffset now = time.GetUtcNow();
            IReadOnlyList<BillEvent> events = row.Snapshot is null ? [] : BillChangeDetector.Diff(bill.BillId, row.Snapshot, latest);

            // Events first, then the snapshot: a crash in between leaves the old snapshot, so the next run
            // finds the same changes again and their deterministic keys stop them being recorded twice.
            foreach (BillEvent billEvent in events)
            {
                if (await store.TryAddEventAsync(billEvent, now, cancellationToken))
                {
                    recorded++;
                    LogEventRecorded(logger, billEvent.EventId, billEvent.Kind);
                }
            }

            if (await store.TryUpdateWatchedAsync(row, latest, now, events.Count > 0, row.HandoffPending || events.Count > 0, cancellationToken))
            {
                break;
            }

            // Another run replaced the snapshot meanwhile: compare with what it wrote.
            row = await store.FindWatchedAsync(bill.BillId, cancellationToken);
        }

        await HandOffAsync(bill.BillId, cancellationToken);
        return recorded;
    }

    /// <summary>Hands every not-yet-handled event of the bill to the subscribers, then marks it handled.</summary>
    private async Task HandOffAsync(int billId, CancellationToken cancellationToken)
    {
        WatchedBill? row = await store.FindWatchedAsync(billId, cancellationToken);
        if (row is not { HandoffPending: true })
        {
            return;
        }

        await HandOffEventsAsync(billId, cancellationToken);
        await store.TrySetFlagsAsync(row, handoffPending: false, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Hands each of the bill's unhandled events to the subscribers, then marks it handled. Also called for
    /// events recorded outside a poll (a confirmed division); subscribers are idempotent per event id.
    /// </summary>
    public async Task HandOffEventsAsync(int billId, CancellationToken cancellationToken = default)
    {
        await foreach ((BillEvent billEvent, Azure.ETag etag) in store.ListUnhandledEventsAsync(billId, cancellationToken))
        {
            foreach (IBillEventSubscriber subscriber in subscribers)
            {
                await subscriber.OnBillEventAsync(billEvent, cancellationToken);
            }

            await store.MarkHandledAsync(billEvent, etag, cancellationToken);
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Could not check bill {BillId}: {Reason}")]
    private static partial void LogBillFailed(ILogger logger, int billId, string reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Bill event {EventId} ({Kind}) recorded")]
    private static partial void LogEventRecorded(ILogger logger, string eventId, BillEventKind kind);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Polled Parliament: {Watched} watched, {Checked} checked, {Recorded} events recorded, {Failures} failures")]
    private static partial void LogPolled(ILogger logger, int watched, int @checked, int recorded, int failures);
}
