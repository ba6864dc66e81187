using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CsvHelper;

namespace Alerts.Supporters;

internal enum ImportFormat
{
    Csv,
    Json,
}

/// <summary>
/// Bulk import from CSV or a JSON array, streamed row by row so a 100,000-row file is never held in memory.
/// Rows are matched to existing supporters by email, then phone, so importing the same file twice changes
/// nothing. Bad rows are reported (row number, field, reason) and skipped; good rows are kept.
/// </summary>
internal sealed partial class SupporterImporter(SupporterDirectory directory, ILogger<SupporterImporter> logger)
{
    public const int MaxReportedErrors = 1000;
    private const int Parallelism = 8;

    /// <summary>CSV columns, by header name (case-insensitive). Documented in the README.</summary>
    public static readonly IReadOnlyList<string> CsvColumns =
    [
        "email", "phone", "first_name", "last_name", "postcode", "tags",
        "email_consent", "email_basis", "sms_consent", "sms_basis", "consent_source", "consent_date",
        "obtained_directly", "opt_out_offered",
    ];

    public async Task<ImportReport> ImportAsync(Stream body, ImportFormat format, bool dryRun, string actor, CancellationToken cancellationToken = default) =>
        (await ImportRowsAsync(body, format, dryRun, actor, skip: 0, take: int.MaxValue, cancellationToken)).Report;

    /// <summary>
    /// Up to <paramref name="take"/> data rows of a CSV after the first <paramref name="skip"/> (row numbers in
    /// the report stay the file's own): one run of a background import. True when the file has no more rows.
    /// </summary>
    public async Task<(ImportReport Report, bool Ended)> ImportSliceAsync(Stream csv, bool dryRun, string actor, int skip, int take, CancellationToken cancellationToken = default)
    {
        (ImportReport report, bool ended) = await ImportRowsAsync(csv, ImportFormat.Csv, dryRun, actor, skip, take, cancellationToken);
        return (report, ended);
    }

    private async Task<(ImportReport Report, bool Ended)> ImportRowsAsync(
        Stream body, ImportFormat format, bool dryRun, string actor, int skip, int take, CancellationToken cancellationToken)
    {
        int read = 0, created = 0, updated = 0, unchanged = 0, rejected = 0, keptWithdrawn = 0;
        bool ended = true;
        var errors = new List<ImportRowError>();
        var rejectedRows = new List<RejectedRow>();
        IReadOnlyList<string>? columns = null;
        var warnings = new List<ImportRowError>();
        bool truncated = false;

        void Add(List<ImportRowError> list, IEnumerable<ImportRowError> items)
        {
            lock (list)
            {
                foreach (ImportRowError item in items)
                {
                    if (list.Count < MaxReportedErrors)
                    {
                        list.Add(format == ImportFormat.Csv ? item with { Field = CsvField(item.Field) } : item);
                    }
                    else
                    {
                        truncated = true;
                    }
                }
            }
        }

        void Reject(ImportRow row, IEnumerable<ImportRowError> rowErrors)
        {
            Interlocked.Increment(ref rejected);
            Add(errors, rowErrors);
            if (row.Cells is { } cells && row.Number > 1)
            {
                lock (rejectedRows)
                {
                    if (rejectedRows.Count < MaxReportedErrors)
                    {
                        rejectedRows.Add(new RejectedRow(row.Number, cells));
                    }
                }
            }
        }

        IAsyncEnumerable<ImportRow> all = format == ImportFormat.Csv ? ReadCsvAsync(body, header => columns = header, cancellationToken) : ReadJsonAsync(body, cancellationToken);
        IAsyncEnumerable<ImportRow> rows = Slice(all, skip, take, more => ended = !more);
        var lookups = new LookupOutage();
        await Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (row, token) =>
            {
                Interlocked.Increment(ref read);
                if (row.Errors.Count > 0)
                {
                    Reject(row, row.Errors);
                    return;
                }

                SaveOutcome outcome;
                try
                {
                    outcome = await directory.ImportAsync(row.Input!, dryRun, lookups, actor, token);
                }
                catch (Exception ex) when (!(ex is OperationCanceledException && token.IsCancellationRequested))
                {
                    // One row that cannot be saved now (storage busy, a race lost three times) is reported and
                    // the import goes on: the same file imported again saves it and changes nothing else.
                    LogRowFailed(logger, ex, row.Number);
                    Reject(row, [new ImportRowError(row.Number, "row", "Not saved (" + (ex is Azure.RequestFailedException ? "storage was unavailable" : "an unexpected error")
                        + "). Import the file again to retry it; rows already saved stay as they are.")]);
                    return;
                }

                if (outcome.KeptWithdrawn is { Count: > 0 } kept)
                {
                    Interlocked.Increment(ref keptWithdrawn);
                    Add(warnings, kept.Select(c => new ImportRowError(row.Number, c == Channel.Email ? "emailConsent" : "smsConsent",
                        SupporterRules.KeptWithdrawnReason(outcome.Supporter!.ConsentFor(c)))));
                }

                Add(warnings, row.Warnings.Where(w => outcome.Supporter?.ConsentFor(w.Channel).Status is null or ConsentStatus.None).Select(w => w.Warning));
                switch (outcome.Result)
                {
                    case SaveResult.Created: Interlocked.Increment(ref created); break;
                    case SaveResult.Updated: Interlocked.Increment(ref updated); break;
                    case SaveResult.Unchanged: Interlocked.Increment(ref unchanged); break;
                    default:
                        Reject(row, outcome.Errors.SelectMany(e => e.Value.Select(reason => new ImportRowError(row.Number, e.Key, reason))));
                        break;
                }
            });

        Comparison<ImportRowError> byRow = (a, b) => a.Row != b.Row ? a.Row.CompareTo(b.Row) : string.CompareOrdinal(a.Field, b.Field);
        errors.Sort(byRow);
        warnings.Sort(byRow);
        rejectedRows.Sort((a, b) => a.Row.CompareTo(b.Row));
        LogImported(logger, dryRun, read, created, updated, unchanged, rejected);
        return (new ImportReport(dryRun, read, created, updated, unchanged, rejected, keptWithdrawn, errors, warnings, truncated,
            columns, format == ImportFormat.Csv ? rejectedRows : null), ended);
    }

    /// <summary>
    /// Rows <paramref name="skip"/> to <paramref name="skip"/> + <paramref name="take"/> of the file (a header
    /// refused whole is always passed on), telling <paramref name="more"/> whether any row was left after them.
    /// </summary>
    private static async IAsyncEnumerable<ImportRow> Slice(IAsyncEnumerable<ImportRow> rows, int skip, int take, Action<bool> more)
    {
        int seen = 0;
        await foreach (ImportRow row in rows)
        {
            if (row.Input is null && row.Number == 1)
            {
                yield return row; // the header itself was refused: the file ends here
                continue;
            }

            if (seen++ < skip)
            {
                continue;
            }

            if (seen > skip + take)
            {
                more(true);
                yield break;
            }

            yield return row;
        }

        more(false);
    }

    /// <summary>A row's warning that applies only if the saved supporter ends up without consent on the channel.</summary>
    private sealed record ChannelWarning(Channel Channel, ImportRowError Warning);

    /// <summary>One row read, with its cells as the file had them (CSV), kept in case it is rejected.</summary>
    private sealed record ImportRow(int Number, SupporterInput? Input, IReadOnlyList<ImportRowError> Errors, IReadOnlyList<ChannelWarning> Warnings, IReadOnlyList<string>? Cells = null)
    {
        public ImportRow(int number, SupporterInput? input, IReadOnlyList<ImportRowError> errors)
            : this(number, input, errors, [])
        {
        }
    }

    /// <summary>The CSV column a supporter field comes from, so the report speaks the file's language.</summary>
    private static string CsvField(string field) => field switch
    {
        "firstName" => "first_name",
        "lastName" => "last_name",
        "emailConsent" or "emailConsent.status" => "email_consent",
        "smsConsent" or "smsConsent.status" => "sms_consent",
        "emailConsent.basis" => "email_basis",
        "smsConsent.basis" => "sms_basis",
        "emailConsent.source" or "smsConsent.source" => "consent_source",
        "emailConsent.obtainedAt" or "smsConsent.obtainedAt" => "consent_date",
        _ => field,
    };

    private static async IAsyncEnumerable<ImportRow> ReadCsvAsync(Stream body, Action<IReadOnlyList<string>> header, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var options = new CsvReaderOptions
        {
            Separator = ',',
            TrimWhitespace = true,
            IncludeValuesInExceptions = false, // values are personal data; they must not reach logs
            MaxRecordSize = 64 * 1024,
        };
        await using CsvReader csv = CsvReader.Create(body, options, leaveOpen: true);
        await csv.ReadHeaderAsync(cancellationToken);
        string[] headers = csv.Headers.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        header([.. csv.Headers]);
        string[] unknown = headers.Where(h => !CsvColumns.Contains(h)).ToArray();
        if (unknown.Length > 0 || headers.Length == 0)
        {
            yield return new ImportRow(1, null, headers.Length == 0
                ? [new ImportRowError(1, "header", "The file has no header row.")]
                : [.. unknown.Select(h => new ImportRowError(1, h, "Unknown column."))]);
            yield break;
        }

        var columns = CsvColumns.ToDictionary(c => c, c => Array.IndexOf(headers, c));
        while (await csv.ReadAsync(cancellationToken))
        {
            // Row numbers count the header as row 1, as a spreadsheet shows them.
            int number = checked((int)csv.RowNumber + 1);
            string? Field(string name) => columns[name] is >= 0 and var index && index < csv.FieldCount ? NullIfBlank(csv.GetString(index)) : null;
            var rowErrors = new List<ImportRowError>();
            var rowWarnings = new List<ChannelWarning>();
            if (Field("email") is not null && columns["email_consent"] >= 0 && Field("email_consent") is null)
            {
                rowWarnings.Add(new ChannelWarning(Channel.Email, new ImportRowError(number, "email_consent", "Blank: no email consent is recorded, so this supporter will not be emailed.")));
            }

            if (Field("phone") is not null && columns["sms_consent"] >= 0 && Field("sms_consent") is null)
            {
                rowWarnings.Add(new ChannelWarning(Channel.Sms, new ImportRowError(number, "sms_consent", "Blank: no SMS consent is recorded, so this supporter will not be texted.")));
            }

            SupporterInput input = new()
            {
                Email = Field("email"),
                Phone = Field("phone"),
                FirstName = Field("first_name"),
                LastName = Field("last_name"),
                Postcode = Field("postcode"),
                Tags = Field("tags")?.Split([';', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                EmailConsent = CsvConsent(number, "email", Field("email_consent"), Field("email_basis"), Field, rowErrors),
                SmsConsent = CsvConsent(number, "sms", Field("sms_consent"), Field("sms_basis"), Field, rowErrors),
            };
            yield return new ImportRow(number, input, rowErrors, rowWarnings, [.. Enumerable.Range(0, csv.FieldCount).Select(i => csv.GetString(i) ?? string.Empty)]);
        }
    }

    private static ConsentInput? CsvConsent(
        int number, string channel, string? status, string? basis, Func<string, string?> field, List<ImportRowError> errors)
    {
        if (status is null)
        {
            return null;
        }

        ConsentStatus? parsedStatus = status.ToLowerInvariant() switch
        {
            "yes" or "y" or "true" or "1" or "granted" => ConsentStatus.Granted,
            "no" or "n" or "false" or "0" or "withdrawn" => ConsentStatus.Withdrawn,
            _ => null,
        };
        LawfulBasis? parsedBasis = basis?.ToLowerInvariant() switch
        {
            null or "consent" => LawfulBasis.Consent,
            "soft-opt-in" or "charitable-soft-opt-in" or "charitable_soft_opt_in" => LawfulBasis.CharitableSoftOptIn,
            _ => null,
        };
        DateTimeOffset? at = null;
        if (field("consent_date") is { } date)
        {
            if (DateTimeOffset.TryParse(date, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset parsed))
            {
                at = parsed;
            }
            else
            {
                errors.Add(new ImportRowError(number, "consent_date", "Not a date (use YYYY-MM-DD)."));
            }
        }

        if (parsedStatus is null)
        {
            errors.Add(new ImportRowError(number, channel + "_consent", "Use yes or no."));
        }

        if (parsedBasis is null)
        {
            errors.Add(new ImportRowError(number, channel + "_basis", "Use consent or soft-opt-in."));
        }

        return new ConsentInput
        {
            Status = parsedStatus ?? ConsentStatus.None,
            Basis = parsedBasis,
            Source = field("consent_source"),
            ObtainedAt = at,
            ObtainedDirectly = IsYes(field("obtained_directly")),
            OptOutOfferedAtCollection = IsYes(field("opt_out_offered")),
        };
    }

    private static async IAsyncEnumerable<ImportRow> ReadJsonAsync(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        };

        // Each element is read on its own so one bad row is reported without losing the rest.
        int number = 0;
        await foreach (JsonElement element in JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(body, options, cancellationToken))
        {
            number++;
            SupporterInput? input = null;
            ImportRowError? error = null;
            try
            {
                input = element.Deserialize<SupporterInput>(options);
            }
            catch (JsonException ex)
            {
                error = new ImportRowError(number, ex.Path is { Length: > 1 } path ? Api.JsonErrors.Field(path) : "row", Api.JsonErrors.Reason(ex));
            }

            yield return input is null
                ? new ImportRow(number, null, [error ?? new ImportRowError(number, "row", "Must be a JSON object.")])
                : new ImportRow(number, input, []);
        }
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool IsYes(string? value) => value?.ToLowerInvariant() is "yes" or "y" or "true" or "1";

    [LoggerMessage(EventId = 4102, Level = LogLevel.Error, Message = "Import row {Row} could not be saved")]
    private static partial void LogRowFailed(ILogger logger, Exception exception, int row);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information,
        Message = "Import (dry run {DryRun}): {Read} rows, {Created} created, {Updated} updated, {Unchanged} unchanged, {Rejected} rejected")]
    private static partial void LogImported(ILogger logger, bool dryRun, int read, int created, int updated, int unchanged, int rejected);
}
