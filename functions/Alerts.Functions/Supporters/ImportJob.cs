using Azure;

namespace Alerts.Supporters;

public enum ImportJobState
{
    /// <summary>Its file is stored and its first run is on the queue.</summary>
    Queued,

    /// <summary>Some of its rows are imported; the next run is on the queue (or running).</summary>
    Running,

    Done,

    /// <summary>It failed on every attempt the queue allows: what it imported stays, the rest was not read.</summary>
    Failed,
}

/// <summary>
/// A large import, run in the background a slice of rows at a time so that no run nears the host's time
/// limit: where it got to, and the report of the rows imported so far.
/// </summary>
public sealed record ImportJob(
    string Id, ImportJobState State, bool DryRun, string FileName, string Actor, int RowsDone, ImportReport? Report,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? Error, ETag ETag);
