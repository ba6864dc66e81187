namespace Alerts.Supporters;

/// <summary>
/// A background import as the staff API shows it: how far it has got and, when it has ended, its report
/// (the same report a direct import returns).
/// </summary>
public sealed record ImportJobResponse(
    string Id, ImportJobState State, bool DryRun, int RowsRead, ImportReport? Report, string? Error, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ImportJobResponse From(ImportJob job) =>
        new(job.Id, job.State, job.DryRun, job.RowsDone, job.State is ImportJobState.Done or ImportJobState.Failed ? job.Report : null, job.Error, job.CreatedAt, job.UpdatedAt);
}
