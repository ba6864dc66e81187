namespace Alerts.Supporters;

public enum Channel
{
    Email,
    Sms,
}

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

internal enum EnrichmentStatus
{
    None,
    Pending,
    Done,
    NotFound,
}

internal sealed record Supporter(
    string Id,
    string? FirstName,
    string? LastName,
    string? Email,
    string? Phone,
    string? Postcode,
    string? Constituency,
    string? MpName,
    int? MpMemberId,
    EnrichmentStatus Enrichment,
    IReadOnlyList<string> Tags,
    ChannelConsent EmailConsent,
    ChannelConsent SmsConsent,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public ChannelConsent ConsentFor(Channel channel) => channel == Channel.Email ? EmailConsent : SmsConsent;

    public string? AddressFor(Channel channel) => channel == Channel.Email ? Email : Phone;

    /// <summary>Consent (or a valid soft opt-in) and somewhere to send. Suppression is checked separately, at send time.</summary>
    public bool CanReceive(Channel channel) => AddressFor(channel) is not null && ConsentFor(channel).AllowsSending;

    /// <summary>Everything but the timestamps, to tell whether an update changes anything.</summary>
    public bool SameDataAs(Supporter other) =>
        FirstName == other.FirstName && LastName == other.LastName && Email == other.Email && Phone == other.Phone
        && Postcode == other.Postcode && Constituency == other.Constituency && MpName == other.MpName && MpMemberId == other.MpMemberId
        && Enrichment == other.Enrichment && Tags.SequenceEqual(other.Tags) && EmailConsent == other.EmailConsent && SmsConsent == other.SmsConsent;
}
