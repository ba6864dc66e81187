namespace Alerts.Supporters;

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
