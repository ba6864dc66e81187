namespace Alerts.Supporters;

public sealed record ImportRowError(int Row, string Field, string Reason);

/// <summary>
/// What an import did. <see cref="Errors"/> are rejected rows; <see cref="Warnings"/> are rows saved with
/// something staff should know (a consent kept withdrawn, a blank consent). Fields name the file's own
/// columns (CSV) or properties (JSON).
/// </summary>
public sealed record ImportReport(
    bool DryRun, int RowsRead, int Created, int Updated, int Unchanged, int Rejected, int KeptWithdrawn,
    IReadOnlyList<ImportRowError> Errors, IReadOnlyList<ImportRowError> Warnings, bool ErrorsTruncated);
