using Alerts.Segments;

namespace Alerts.Supporters;

/// <summary>Creates, changes, finds, exports and erases supporters, keeping look-ups and the segment index in step.</summary>
internal sealed partial class SupporterDirectory(
    SupporterStore store, SegmentIndex index, SuppressionList suppressions, ContactHasher hasher, ConstituencyLookup constituencies, Audit.AuditLog audit, TimeProvider time, ILogger<SupporterDirectory> logger)
{
    private const int MaxAttempts = 3;

    /// <summary>
    /// Creates a supporter, or updates the one with the same email (or, for a row without email, the same phone).
    /// A grant over a later withdrawal is refused (<see cref="SaveResult.ConsentConflict"/>).
    /// </summary>
    public Task<SaveOutcome> UpsertAsync(SupporterInput input, string source, string actor, bool dryRun = false, CancellationToken cancellationToken = default) =>
        SaveAsync(null, input, source, actor, dryRun, keepWithdrawals: false, null, cancellationToken);

    /// <summary>
    /// One row of an import: as <see cref="UpsertAsync"/>, but a grant over a later withdrawal keeps the
    /// withdrawal, saves the rest of the row and says so in the outcome. Once a look-up has failed in
    /// <paramref name="lookups"/>, the rest of the import does not try again: its supporters are saved
    /// pending for the sweep, so an import made while postcodes.io is down takes seconds, not a timeout per row.
    /// </summary>
    public Task<SaveOutcome> ImportAsync(SupporterInput input, bool dryRun, LookupOutage lookups, string actor, CancellationToken cancellationToken = default) =>
        SaveAsync(null, input, ImportSource, actor, dryRun, keepWithdrawals: true, lookups, cancellationToken);

    /// <summary>Changes the given fields of an existing supporter.</summary>
    public Task<SaveOutcome> UpdateAsync(string id, SupporterInput input, string source, string actor, CancellationToken cancellationToken = default) =>
        SaveAsync(id, input, source, actor, dryRun: false, keepWithdrawals: false, null, cancellationToken);

    public const string ImportSource = "import";

    /// <summary>
    /// The supporter withdrew consent to a channel (staff record it, or an opt-out does through
    /// <see cref="SuppressAsync"/>). Changes only the consent: no look-up or other service is involved, so it
    /// succeeds whatever they are doing. False when no supporter has this id.
    /// </summary>
    public Task<bool> WithdrawConsentAsync(string id, Channel channel, string source, CancellationToken cancellationToken = default) =>
        ChangeAsync(id, source, current => current.ConsentFor(channel).Status == ConsentStatus.Withdrawn
            ? null
            : current.WithConsent(channel, current.ConsentFor(channel) with { Status = ConsentStatus.Withdrawn, Source = source, At = time.GetUtcNow() }), cancellationToken);

    /// <summary>
    /// The supporter asked for SMS again themselves (texted START): their own new, dated consent, and their
    /// number no longer suppressed (the caller lifts it from the suppression list first).
    /// </summary>
    public Task<bool> GrantOwnConsentAsync(string id, Channel channel, string source, CancellationToken cancellationToken = default) =>
        ChangeAsync(id, source, current => current.ConsentFor(channel) is { Status: ConsentStatus.Granted, Basis: LawfulBasis.Consent } && !current.Suppressed.Contains(channel)
            ? null
            : current.WithConsent(channel, SupporterRules.OwnConsent(source, time.GetUtcNow())) with { Suppressed = [.. current.Suppressed.Where(c => c != channel)] },
            cancellationToken);

    /// <summary>
    /// Puts an address on the suppression list, and marks the supporter who has it (withdrawing their
    /// consent too, for an opt-out), so nothing more is sent to it. The supporter, and so the segment
    /// index, changes first: a send reads only the index, and a crash part way must leave it saying less,
    /// never more. The look-up is read again after the list is written, so a supporter saved with this
    /// address meanwhile (whose save read the list before this wrote it) is marked too. Asks no other
    /// service, so an opt-out succeeds whatever else is failing.
    /// </summary>
    public async Task SuppressAsync(Channel channel, string address, string reason, string source, bool withdrawConsent, CancellationToken cancellationToken = default)
    {
        string? marked = await store.FindIdAsync(channel, address, cancellationToken);
        if (marked is not null)
        {
            await MarkSuppressedAsync(marked, channel, source, withdrawConsent, cancellationToken);
        }

        await suppressions.AddAsync(channel, address, reason, source, actor: source, time.GetUtcNow(), cancellationToken);
        if (await store.FindIdAsync(channel, address, cancellationToken) is { } holder && holder != marked)
        {
            await MarkSuppressedAsync(holder, channel, source, withdrawConsent, cancellationToken);
        }
    }

    private Task<bool> MarkSuppressedAsync(string id, Channel channel, string source, bool withdrawConsent, CancellationToken cancellationToken) =>
        ChangeAsync(id, source, current =>
        {
            ChannelConsent consent = current.ConsentFor(channel);
            bool withdraw = withdrawConsent && consent.Status != ConsentStatus.Withdrawn;
            return !withdraw && current.Suppressed.Contains(channel)
                ? null
                : current.WithConsent(channel, withdraw ? consent with { Status = ConsentStatus.Withdrawn, Source = source, At = time.GetUtcNow() } : consent)
                    with { Suppressed = [.. current.Suppressed.Where(c => c != channel), channel] };
        }, cancellationToken);

    /// <summary>Adds and removes tags, keeping the others.</summary>
    public async Task<SaveOutcome> ChangeTagsAsync(string id, IEnumerable<string> add, IEnumerable<string> remove, string actor, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(id, cancellationToken) is not { } supporter)
        {
            return new SaveOutcome(SaveResult.NotFound, null, new Dictionary<string, string[]>());
        }

        if (add.Concat(remove).Any(t => ContactValidation.ValidateTag(t?.Trim().ToLowerInvariant()) is not null))
        {
            return SaveOutcome.Fail("tags", ContactValidation.ValidateTag(null)!);
        }

        IEnumerable<string> removed = remove.Select(t => t.Trim().ToLowerInvariant());
        List<string> tags = [.. supporter.Tags.Concat(add).Select(t => t.Trim().ToLowerInvariant()).Except(removed)];
        return await UpdateAsync(id, new SupporterInput { Tags = tags }, "staff", actor, cancellationToken);
    }

    public async Task<Supporter?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        (await store.GetAsync(id, cancellationToken))?.Supporter;

    public async Task<Supporter?> FindAsync(Channel channel, string rawAddress, CancellationToken cancellationToken = default)
    {
        string? address = channel == Channel.Email
            ? ContactValidation.NormaliseEmail(rawAddress, out _)
            : ContactValidation.NormaliseMobile(rawAddress, out _);
        return address is not null && await store.FindIdAsync(channel, address, cancellationToken) is { } id
            ? await GetAsync(id, cancellationToken)
            : null;
    }

    /// <summary>
    /// Erases the supporter (UK GDPR art. 17). What remains is only keyed hashes on the suppression list, so
    /// an old list imported again can never message them.
    /// </summary>
    public async Task<bool> EraseAsync(string id, string actor, CancellationToken cancellationToken = default)
    {
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (await store.GetAsync(id, cancellationToken) is not { } found)
            {
                return false;
            }

            // Out of every segment first, so nothing is sent from here on; then the suppression list, which
            // outlives the supporter; then the rest.
            Supporter supporter = found.Supporter;
            await index.DeleteAsync(supporter.Id, SegmentIndex.PartitionsOf(supporter), cancellationToken);
            DateTimeOffset now = time.GetUtcNow();
            if (supporter.Email is not null)
            {
                await suppressions.AddAsync(Channel.Email, supporter.Email, "erased", "staff", actor, now, cancellationToken);
            }

            if (supporter.Phone is not null)
            {
                await suppressions.AddAsync(Channel.Sms, supporter.Phone, "erased", "staff", actor, now, cancellationToken);
            }

            if (await store.TryDeleteAsync(supporter, found.ETag, cancellationToken))
            {
                await audit.RecordAsync(actor, "SupporterErased", "supporter", id, null, cancellationToken);
                LogErased(logger, id);
                return true;
            }
        }

        throw new InvalidOperationException("The supporter kept changing while being erased; try again.");
    }

    /// <summary>
    /// Everything held about a supporter (UK GDPR art. 15): their record and, per channel, whether their
    /// address is on the suppression list and why. Null when there is no such supporter.
    /// </summary>
    public async Task<SupporterExport?> ExportAsync(string id, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(id, cancellationToken) is not { } supporter)
        {
            return null;
        }

        var suppressed = new Dictionary<Channel, SuppressionResponse?>();
        foreach (Channel channel in Enum.GetValues<Channel>())
        {
            suppressed[channel] = supporter.AddressFor(channel) is { } address && await suppressions.FindAsync(channel, address, cancellationToken) is { } s
                ? new SuppressionResponse(s.Reason, s.Source, s.At)
                : null;
        }

        return new SupporterExport(supporter.ToResponse(), suppressed, time.GetUtcNow());
    }

    /// <summary>Rewrites a supporter's index rows from the supporter: the repair path after a crash mid-save.</summary>
    public Task<bool> ReindexAsync(string id, CancellationToken cancellationToken = default) => store.ReindexAsync(id, cancellationToken);

    /// <summary>
    /// Retries the constituency look-up for supporters saved while postcodes.io or the Members API was
    /// down, up to <paramref name="max"/> of them. Stops at the first look-up that fails again: the
    /// service is still down, and the next run will try.
    /// </summary>
    public async Task<EnrichmentSweep> RetryPendingEnrichmentAsync(int max, CancellationToken cancellationToken = default)
    {
        int enriched = 0, skipped = 0;
        await foreach (IndexRow row in index.ReadAsync(SegmentIndex.PendingEnrichmentPartition, cancellationToken).Take(max))
        {
            if (await store.GetAsync(row.SupporterId, cancellationToken) is not { Supporter.Enrichment: EnrichmentStatus.Pending } found)
            {
                // A crash between a save (or an erasure) and its index clean-up left the row behind.
                await index.DeleteAsync(row.SupporterId, [SegmentIndex.PendingEnrichmentPartition], cancellationToken);
                continue;
            }

            Supporter supporter = found.Supporter;

            Supporter next = await EnrichAsync(supporter, supporter, cancellationToken);
            if (next.Enrichment == EnrichmentStatus.Pending)
            {
                return new EnrichmentSweep(enriched, skipped, StillUnavailable: true);
            }

            // A staff edit that raced this one wins; the supporter stays listed if it is still pending.
            if (await store.TrySaveAsync(next with { UpdatedAt = time.GetUtcNow() }, supporter, found.ETag, cancellationToken))
            {
                LogSaved(logger, next.Id, "enriched", "enrichment");
                enriched++;
            }
            else
            {
                skipped++;
            }
        }

        return new EnrichmentSweep(enriched, skipped, StillUnavailable: false);
    }

    /// <summary>Applies a change to a supporter's consent or suppression (null from <paramref name="change"/>: nothing to do), retrying lost races.</summary>
    private async Task<bool> ChangeAsync(string id, string source, Func<Supporter, Supporter?> change, CancellationToken cancellationToken)
    {
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (await store.GetAsync(id, cancellationToken) is not { } found)
            {
                return false;
            }

            Supporter previous = found.Supporter;
            if (change(previous) is not { } next)
            {
                return true;
            }

            next = next with { UpdatedAt = time.GetUtcNow() };
            if (await store.TrySaveAsync(next, previous, found.ETag, cancellationToken))
            {
                await AuditConsentAsync(previous, next, actor: source, cancellationToken); // the supporter's own act, by its route
                LogSaved(logger, id, "consent changed", source);
                return true;
            }
        }

        throw new InvalidOperationException("The supporter kept changing while their consent was being recorded; try again.");
    }

    /// <summary>
    /// Which of the supporter's channels are suppressed: as before for an address that did not change, and
    /// from the suppression list for a new one, so an erased or opted-out address imported again stays blocked.
    /// </summary>
    private async Task<IReadOnlyList<Channel>> SuppressedChannelsAsync(Supporter? previous, Supporter next, CancellationToken cancellationToken)
    {
        var suppressed = new List<Channel>();
        foreach (Channel channel in Enum.GetValues<Channel>())
        {
            if (next.AddressFor(channel) is not { } address)
            {
                continue;
            }

            if (previous is not null && string.Equals(previous.AddressFor(channel), address, StringComparison.Ordinal)
                ? previous.Suppressed.Contains(channel)
                : await suppressions.FindAsync(channel, address, cancellationToken) is not null)
            {
                suppressed.Add(channel);
            }
        }

        return suppressed;
    }

    private async Task AuditConsentAsync(Supporter? previous, Supporter next, string actor, CancellationToken cancellationToken)
    {
        foreach (Channel channel in Enum.GetValues<Channel>())
        {
            ChannelConsent before = previous?.ConsentFor(channel) ?? ChannelConsent.None, after = next.ConsentFor(channel);
            if (before.Status != after.Status || before.Basis != after.Basis)
            {
                await audit.RecordAsync(actor, "ConsentChanged", "supporter", next.Id,
                    $"{channel}: {before.Status} → {after.Status} ({after.Basis}, {after.Source})", cancellationToken);
            }
        }
    }

    private async Task<SaveOutcome> SaveAsync(
        string? id, SupporterInput input, string source, string actor, bool dryRun, bool keepWithdrawals, LookupOutage? lookups, CancellationToken cancellationToken)
    {
        Dictionary<string, string[]> errors = SupporterRules.Validate(input, creating: id is null, time.GetUtcNow(), out NormalisedContact contact);
        if (errors.Count > 0)
        {
            return new SaveOutcome(SaveResult.Invalid, null, errors);
        }

        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            string? emailOwner = contact.Email is { Length: > 0 } email ? await store.FindIdAsync(Channel.Email, email, cancellationToken) : null;
            string? phoneOwner = contact.Phone is { Length: > 0 } phone ? await store.FindIdAsync(Channel.Sms, phone, cancellationToken) : null;

            // A new row is the same person as the supporter with its email or, when it has no email, its phone.
            string? existingId = id ?? (contact.Email is { Length: > 0 } ? emailOwner : phoneOwner);
            (Supporter Supporter, Azure.ETag ETag)? existing = existingId is null ? null : await store.GetAsync(existingId, cancellationToken);
            if (id is not null && existing is null)
            {
                return new SaveOutcome(SaveResult.NotFound, null, errors);
            }

            // An email or phone that already belongs to someone else is a mistake, not a merge.
            if (emailOwner is not null && emailOwner != existing?.Supporter.Id)
            {
                return SaveOutcome.Fail("email", "Belongs to another supporter.");
            }

            if (phoneOwner is not null && phoneOwner != existing?.Supporter.Id)
            {
                return SaveOutcome.Fail("phone", "Belongs to another supporter.");
            }

            DateTimeOffset now = time.GetUtcNow();
            Supporter? previous = existing?.Supporter;
            Supporter next = SupporterRules.Apply(previous, input, contact, source, now,
                previous?.Id ?? hasher.NewSupporterId(contact.Email is not null ? Channel.Email : Channel.Sms, contact.Email ?? contact.Phone!),
                out IReadOnlyList<Channel> keptWithdrawn);
            next = next with { Suppressed = await SuppressedChannelsAsync(previous, next, cancellationToken) };
            if (keptWithdrawn.Count > 0 && !keepWithdrawals)
            {
                return new SaveOutcome(SaveResult.ConsentConflict, previous, keptWithdrawn.ToDictionary(
                    c => (c == Channel.Email ? "emailConsent" : "smsConsent") + ".obtainedAt",
                    c => new[] { SupporterRules.KeptWithdrawnReason(previous!.ConsentFor(c)) }), keptWithdrawn);
            }

            if (!dryRun)
            {
                next = await EnrichAsync(previous, next, cancellationToken, lookups);
            }

            if (previous is not null && next.SameDataAs(previous))
            {
                return new SaveOutcome(SaveResult.Unchanged, previous, errors, keptWithdrawn);
            }

            if (dryRun)
            {
                return new SaveOutcome(previous is null ? SaveResult.Created : SaveResult.Updated, next, errors, keptWithdrawn);
            }

            if (await store.TrySaveAsync(next, previous, existing?.ETag ?? default, cancellationToken))
            {
                await AuditConsentAsync(previous, next, actor, cancellationToken);
                LogSaved(logger, next.Id, previous is null ? "created" : "updated", source);
                return new SaveOutcome(previous is null ? SaveResult.Created : SaveResult.Updated, next, errors, keptWithdrawn);
            }
        }

        throw new InvalidOperationException("The supporter kept changing while it was being saved; try again.");
    }

    private async Task<Supporter> EnrichAsync(Supporter? previous, Supporter next, CancellationToken cancellationToken, LookupOutage? lookups = null)
    {
        if (next.Postcode is null)
        {
            return next with { Constituency = null, MpName = null, MpMemberId = null, Enrichment = EnrichmentStatus.None };
        }

        if (previous?.Postcode == next.Postcode && previous.Enrichment is EnrichmentStatus.Done or EnrichmentStatus.NotFound)
        {
            return next;
        }

        if (lookups?.Seen == true)
        {
            return next with { Enrichment = EnrichmentStatus.Pending };
        }

        try
        {
            ConstituencyMatch? match = await constituencies.FindAsync(next.Postcode, cancellationToken);
            return match is null
                ? next with { Constituency = null, MpName = null, MpMemberId = null, Enrichment = EnrichmentStatus.NotFound }
                : next with { Constituency = match.Constituency, MpName = match.MpName, MpMemberId = match.MpMemberId, Enrichment = EnrichmentStatus.Done };
        }
        catch (LookupUnavailableException ex)
        {
            lookups?.Record();
            LogEnrichmentPending(logger, next.Id, ex.Message);
            return next with { Enrichment = EnrichmentStatus.Pending };
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Supporter {SupporterId} {Change} ({Source})")]
    private static partial void LogSaved(ILogger logger, string supporterId, string change, string source);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Constituency look-up for supporter {SupporterId} is pending: {Reason}")]
    private static partial void LogEnrichmentPending(ILogger logger, string supporterId, string reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Supporter {SupporterId} erased; suppression hashes kept")]
    private static partial void LogErased(ILogger logger, string supporterId);
}

/// <summary>What one run of the pending-enrichment sweep did.</summary>
internal sealed record EnrichmentSweep(int Enriched, int Skipped, bool StillUnavailable);
