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
    /// <summary>
    /// Channels whose address is on the suppression list (an opt-out, a bounce, a number the carrier
    /// refuses): never sent to, whatever the consent says. Kept with the supporter so that the supporter
    /// row alone says who may be sent to, and the segment index is written from it.
    /// </summary>
    public IReadOnlyList<Channel> Suppressed { get; init; } = [];

    public ChannelConsent ConsentFor(Channel channel) => channel == Channel.Email ? EmailConsent : SmsConsent;

    public string? AddressFor(Channel channel) => channel == Channel.Email ? Email : Phone;

    public Supporter WithConsent(Channel channel, ChannelConsent consent) =>
        channel == Channel.Email ? this with { EmailConsent = consent } : this with { SmsConsent = consent };

    /// <summary>Somewhere to send, consent (or a valid soft opt-in), and the address not suppressed.</summary>
    public bool CanReceive(Channel channel) => WhyNot(channel) is null;

    /// <summary>Why the supporter may not be sent to on the channel, in the ledger's words; null when they may.</summary>
    public string? WhyNot(Channel channel) =>
        AddressFor(channel) is null ? "no-address"
        : Suppressed.Contains(channel) ? "suppressed"
        : !ConsentFor(channel).AllowsSending ? "no-consent"
        : null;

    /// <summary>Everything but the timestamps, to tell whether an update changes anything.</summary>
    public bool SameDataAs(Supporter other) =>
        FirstName == other.FirstName && LastName == other.LastName && Email == other.Email && Phone == other.Phone
        && Postcode == other.Postcode && Constituency == other.Constituency && MpName == other.MpName && MpMemberId == other.MpMemberId
        && Enrichment == other.Enrichment && Tags.SequenceEqual(other.Tags) && EmailConsent == other.EmailConsent && SmsConsent == other.SmsConsent
        && Suppressed.Order().SequenceEqual(other.Suppressed.Order());
}
