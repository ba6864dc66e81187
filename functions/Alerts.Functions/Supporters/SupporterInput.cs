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
