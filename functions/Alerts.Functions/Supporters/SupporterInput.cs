namespace Alerts.Supporters;

/// <summary>
/// A supporter as staff or an import describe it. For an update, a missing (null) field is left as it is;
/// an empty string clears it. Tags, when given, replace the supporter's tags.
/// </summary>
public sealed record SupporterInput
{
    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    public string? Email { get; init; }

    public string? Phone { get; init; }

    public string? Postcode { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }

    public ConsentInput? EmailConsent { get; init; }

    public ConsentInput? SmsConsent { get; init; }
}

/// <summary>A consent change for one channel. <c>ObtainedAt</c> defaults to now when consent is newly recorded.</summary>
public sealed record ConsentInput
{
    public ConsentStatus Status { get; init; }

    public LawfulBasis? Basis { get; init; }

    public string? Source { get; init; }

    public DateTimeOffset? ObtainedAt { get; init; }

    public bool ObtainedDirectly { get; init; }

    public bool OptOutOfferedAtCollection { get; init; }
}

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
