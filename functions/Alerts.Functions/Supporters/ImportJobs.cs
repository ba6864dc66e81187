using System.Text.Json;
using Alerts.Storage;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Alerts.Supporters;

/// <summary>
/// Imports too large to finish within one request (behind Azure's front end a request ends after about four
/// minutes): the file is stored in slices of a table, a job row says how far the import has got, and the
/// ImportSupporters function imports <see cref="SupportersOptions.ImportRowsPerRun"/> rows a run, then
/// queues the next. Rows are saved as an import saves them (the same row twice changes nothing), so a run
/// that dies part way is simply run again from the last row the job recorded. The stored file, which holds
/// personal data, is deleted as soon as the import ends.
/// </summary>
internal sealed partial class ImportJobs(AlertsStorage storage, SupporterImporter importer, IOptions<SupportersOptions> options, TimeProvider time, ILogger<ImportJobs> logger)
{
    public const string QueueName = "imports";

    /// <summary>A table property holds 64 KiB of bytes.</summary>
    private const int ChunkBytes = 60 * 1024;

    /// <summary>A job row holds 1 MiB; the rejected rows it keeps for download stay well under that.</summary>
    private const int MaxRejectedCharacters = 300_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly TableClient _jobs = storage.Table(Tables.ImportJobs);
    private readonly TableClient _files = storage.Table(Tables.ImportFiles);

    public QueueClient Queue => storage.Queue(QueueName);

    /// <summary>Stores the file, records the job, and queues its first run. Returns the job as recorded.</summary>
    public async Task<ImportJob> StartAsync(Stream csv, string fileName, bool dryRun, string actor, CancellationToken cancellationToken = default)
    {
        string id = "i" + Guid.NewGuid().ToString("N")[..20];
        byte[] buffer = new byte[ChunkBytes];
        try
        {
            for (int chunk = 0; ; chunk++)
            {
                int filled = await csv.ReadAtLeastAsync(buffer, ChunkBytes, throwOnEndOfStream: false, cancellationToken);
                if (filled == 0)
                {
                    break;
                }

                await _files.AddEntityAsync(new TableEntity(id, Chunk(chunk)) { ["Data"] = buffer[..filled] }, cancellationToken);
            }
        }
        catch
        {
            // An upload cut short leaves no personal data behind.
            await DeleteFileAsync(id, CancellationToken.None);
            throw;
        }

        DateTimeOffset now = time.GetUtcNow();
        var job = new ImportJob(id, ImportJobState.Queued, dryRun, fileName, actor, 0, null, now, now, null, default);
        Response added = await _jobs.AddEntityAsync(ToEntity(job), cancellationToken);
        await Queue.SendMessageAsync(id, cancellationToken: cancellationToken);
        return job with { ETag = added.Headers.ETag ?? default };
    }

    public async Task<ImportJob?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!TableKeys.IsId(id))
        {
            return null;
        }

        NullableResponse<TableEntity> row = await _jobs.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: cancellationToken);
        return row.HasValue ? FromEntity(row.Value!) : null;
    }

    /// <summary>
    /// One run: the next slice of rows, added to the job's report, then the next run queued (or the job done
    /// and its file deleted). The job row is written under its ETag, so a second copy of the same run changes
    /// nothing. On the queue's last attempt a run that keeps failing marks the job failed.
    /// </summary>
    public async Task<string> RunAsync(string id, bool lastAttempt, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(id, cancellationToken) is not { } job)
        {
            return $"Import {id}: nothing to do.";
        }

        if (job.State is ImportJobState.Done or ImportJobState.Failed)
        {
            // A run that ended the job and died before deleting the file comes back here: delete it now.
            await DeleteFileAsync(id, cancellationToken);
            return $"Import {id}: already ended.";
        }

        ImportReport slice;
        bool ended;
        try
        {
            await using var file = new ChunkStream(_files, id);
            (slice, ended) = await importer.ImportSliceAsync(file, job.DryRun, job.Actor, job.RowsDone, options.Value.ImportRowsPerRun, cancellationToken);
        }
        catch (Exception ex) when (lastAttempt && ex is not OperationCanceledException)
        {
            LogFailed(logger, ex, id);
            await TryReplaceAsync(job with { State = ImportJobState.Failed, Error = StoppedError, UpdatedAt = time.GetUtcNow() }, cancellationToken);
            await DeleteFileAsync(id, cancellationToken);
            throw;
        }

        ImportJob next = job with
        {
            State = ended ? ImportJobState.Done : ImportJobState.Running,
            RowsDone = job.RowsDone + slice.RowsRead,
            Report = Merge(job.Report, slice),
            UpdatedAt = time.GetUtcNow(),
        };
        if (!await TryReplaceAsync(next, cancellationToken))
        {
            return $"Import {id}: another run got there first.";
        }

        if (ended)
        {
            await DeleteFileAsync(id, cancellationToken);
            LogDone(logger, id, next.RowsDone);
        }
        else
        {
            await Queue.SendMessageAsync(id, cancellationToken: cancellationToken);
        }

        return $"Import {id}: {next.RowsDone} rows read{(ended ? ", done" : ", more to come")}.";
    }

    /// <summary>
    /// What imports keep is kept no longer than it is needed. An ended job's row goes a week after it ended
    /// (its report holds the rejected rows as the file had them: personal data, kept so staff can fix and
    /// import them again). A job that has not moved for a day lost its run (the upload's request died between
    /// storing the file and queueing the run) and is marked failed. A stored file with no job still under
    /// way, from an upload that died part way, is deleted once a day old (an upload in progress is younger).
    /// </summary>
    public async Task<string> SweepAsync(CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = time.GetUtcNow();
        int forgotten = 0, stopped = 0, files = 0;
        var underWay = new HashSet<string>(StringComparer.Ordinal);
        await foreach (TableEntity row in _jobs.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: cancellationToken))
        {
            ImportJob job = FromEntity(row);
            if (job.State is ImportJobState.Done or ImportJobState.Failed)
            {
                if (now - job.UpdatedAt >= EndedJobsKeptFor && await TryDeleteAsync(job, cancellationToken))
                {
                    forgotten++;
                }
            }
            else if (now - job.UpdatedAt < StalledAfter)
            {
                underWay.Add(job.Id);
            }
            else if (await TryReplaceAsync(job with { State = ImportJobState.Failed, Error = StoppedError, UpdatedAt = now }, cancellationToken))
            {
                stopped++;
            }
        }

        var leftBehind = new HashSet<string>(StringComparer.Ordinal);
        await foreach (TableEntity slice in _files.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey", "Timestamp"], cancellationToken: cancellationToken))
        {
            if (!underWay.Contains(slice.PartitionKey) && slice.Timestamp is { } stored && now - stored >= StalledAfter)
            {
                leftBehind.Add(slice.PartitionKey);
            }
        }

        foreach (string id in leftBehind)
        {
            await DeleteFileAsync(id, cancellationToken);
            files++;
        }

        return $"{forgotten} ended imports forgotten, {stopped} stalled imports marked failed, {files} stored files deleted.";
    }

    /// <summary>Long enough to come back for the report and its rejected rows; short enough not to keep them.</summary>
    public static readonly TimeSpan EndedJobsKeptFor = TimeSpan.FromDays(7);

    /// <summary>A run lasts minutes and the queue retries within minutes: a day without a change is a lost run.</summary>
    public static readonly TimeSpan StalledAfter = TimeSpan.FromDays(1);

    private const string StoppedError = "The import stopped and could not go on. Rows imported before it stopped are saved; import the file again for the rest.";

    private async Task<bool> TryDeleteAsync(ImportJob job, CancellationToken cancellationToken)
    {
        await DeleteFileAsync(job.Id, cancellationToken);
        try
        {
            await _jobs.DeleteEntityAsync(Partition, job.Id, job.ETag, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
    }

    /// <summary>Adds one run's report to the job's: counts added, lists kept in row order up to what one report holds.</summary>
    private static ImportReport Merge(ImportReport? so, ImportReport slice)
    {
        if (so is null)
        {
            return Cap(slice);
        }

        List<ImportRowError> errors = [.. so.Errors, .. slice.Errors], warnings = [.. so.Warnings, .. slice.Warnings];
        return Cap(new ImportReport(so.DryRun, so.RowsRead + slice.RowsRead, so.Created + slice.Created, so.Updated + slice.Updated, so.Unchanged + slice.Unchanged,
            so.Rejected + slice.Rejected, so.KeptWithdrawn + slice.KeptWithdrawn,
            [.. errors.Take(SupporterImporter.MaxReportedErrors)], [.. warnings.Take(SupporterImporter.MaxReportedErrors)],
            so.ErrorsTruncated || slice.ErrorsTruncated || errors.Count > SupporterImporter.MaxReportedErrors || warnings.Count > SupporterImporter.MaxReportedErrors,
            so.Columns ?? slice.Columns, [.. so.RejectedRows ?? [], .. slice.RejectedRows ?? []]));
    }

    private static ImportReport Cap(ImportReport report)
    {
        int characters = 0;
        List<RejectedRow> kept = [.. (report.RejectedRows ?? []).TakeWhile(r => (characters += r.Cells.Sum(c => c.Length + 3)) <= MaxRejectedCharacters)];
        return kept.Count == (report.RejectedRows?.Count ?? 0) ? report : report with { RejectedRows = kept, ErrorsTruncated = true };
    }

    private async Task<bool> TryReplaceAsync(ImportJob job, CancellationToken cancellationToken)
    {
        try
        {
            await _jobs.UpdateEntityAsync(ToEntity(job), job.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
    }

    private async Task DeleteFileAsync(string id, CancellationToken cancellationToken)
    {
        await foreach (TableEntity chunk in _files.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id}"), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            await _files.DeleteEntityAsync(id, chunk.RowKey, ETag.All, cancellationToken);
        }
    }

    private const string Partition = "job";

    private static string Chunk(int n) => n.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    private static TableEntity ToEntity(ImportJob job)
    {
        var row = new TableEntity(Partition, job.Id)
        {
            ["State"] = job.State.ToString(),
            ["DryRun"] = job.DryRun,
            ["FileName"] = job.FileName,
            ["Actor"] = job.Actor,
            ["RowsDone"] = job.RowsDone,
            ["CreatedAt"] = job.CreatedAt,
            ["UpdatedAt"] = job.UpdatedAt,
            ["Error"] = job.Error,
        };
        LargeText.Write(row, "Report", job.Report is null ? null : JsonSerializer.Serialize(job.Report, Json));
        return row;
    }

    private static ImportJob FromEntity(TableEntity row) => new(
        row.RowKey, Enum.Parse<ImportJobState>(row.GetString("State")!), row.GetBoolean("DryRun") ?? false, row.GetString("FileName") ?? "",
        row.GetString("Actor") ?? "staff", row.GetInt32("RowsDone") ?? 0,
        LargeText.Read(row, "Report") is { } report ? JsonSerializer.Deserialize<ImportReport>(report, Json) : null,
        row.GetDateTimeOffset("CreatedAt") ?? default, row.GetDateTimeOffset("UpdatedAt") ?? default, row.GetString("Error"), row.ETag);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Import {ImportId} done: {Rows} rows read")]
    private static partial void LogDone(ILogger logger, string importId, int rows);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Error, Message = "Import {ImportId} failed on its last attempt")]
    private static partial void LogFailed(ILogger logger, Exception exception, string importId);
}
