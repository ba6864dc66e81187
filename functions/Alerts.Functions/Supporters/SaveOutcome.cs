namespace Alerts.Supporters;

/// <summary>The outcome of saving one supporter.</summary>
internal enum SaveResult
{
    Created,
    Updated,
    Unchanged,
    Invalid,
    NotFound,

    /// <summary>The input asked to grant consent the supporter withdrew later; nothing was saved.</summary>
    ConsentConflict,
}

/// <summary>
/// The outcome of saving one supporter. <see cref="KeptWithdrawn"/> lists the channels whose withdrawn
/// consent was kept although the input said granted (an import saves the rest of the row).
/// </summary>
internal sealed record SaveOutcome(SaveResult Result, Supporter? Supporter, IReadOnlyDictionary<string, string[]> Errors, IReadOnlyList<Channel>? KeptWithdrawn = null)
{
    public static SaveOutcome Fail(string field, string message) => new(SaveResult.Invalid, null, new Dictionary<string, string[]> { [field] = [message] });
}
