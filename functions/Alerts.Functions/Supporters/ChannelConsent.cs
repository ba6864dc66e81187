namespace Alerts.Supporters;

public enum ConsentStatus
{
    None,
    Granted,
    Withdrawn,
}

/// <summary>The lawful basis for sending campaign messages (PECR reg 22).</summary>
public enum LawfulBasis
{
    Consent,

    /// <summary>The charitable-purpose soft opt-in (reg 22(3A), from 5 February 2026), with its conditions recorded.</summary>
    CharitableSoftOptIn,
}

internal sealed record ChannelConsent(
    ConsentStatus Status,
    LawfulBasis? Basis,
    string? Source,
    DateTimeOffset? At,
    bool ObtainedDirectly = false,
    bool OptOutOfferedAtCollection = false)
{
    public static readonly ChannelConsent None = new(ConsentStatus.None, null, null, null);

    /// <summary>The soft opt-in applies only to details the charity collected itself, on or after 5 February 2026.</summary>
    public static readonly DateTimeOffset SoftOptInStart = new(2026, 2, 5, 0, 0, 0, TimeSpan.Zero);

    public bool AllowsSending => Status == ConsentStatus.Granted
        && (Basis == LawfulBasis.Consent
            || (Basis == LawfulBasis.CharitableSoftOptIn && ObtainedDirectly && OptOutOfferedAtCollection && At >= SoftOptInStart));
}
