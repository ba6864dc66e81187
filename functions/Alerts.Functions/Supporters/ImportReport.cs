namespace Alerts.Supporters;

public sealed record ImportRowError(int Row, string Field, string Reason);

/// <summary>A rejected CSV row as the file had it, so it can be fixed and imported again.</summary>
public sealed record RejectedRow(int Row, IReadOnlyList<string> Cells);

/// <summary>
/// What an import did. <see cref="Errors"/> are rejected rows; <see cref="Warnings"/> are rows saved with
/// something staff should know (a consent kept withdrawn, a blank consent). Fields name the file's own
/// columns (CSV) or properties (JSON). For a CSV, <see cref="Columns"/> and <see cref="RejectedRows"/> are
/// the file's header and its rejected rows as they were (up to as many as errors are reported), to fix
/// and import again.
/// </summary>
public sealed record ImportReport(
    bool DryRun, int RowsRead, int Created, int Updated, int Unchanged, int Rejected, int KeptWithdrawn,
    IReadOnlyList<ImportRowError> Errors, IReadOnlyList<ImportRowError> Warnings, bool ErrorsTruncated,
    IReadOnlyList<string>? Columns = null, IReadOnlyList<RejectedRow>? RejectedRows = null);
