using Alerts.Supporters;

namespace Alerts.Segments;

/// <summary>
/// One row of the segment index: everything a segment is evaluated on and everything a message needs, so
/// neither counting nor sending reads the supporter. <see cref="EmailOk"/> and <see cref="SmsOk"/> tell
/// the truth or under-state it (consent and suppression as they are), never over-state it: see
/// <see cref="SegmentIndex"/> for how writes keep that so. <see cref="EmailWhy"/> and <see cref="SmsWhy"/>
/// say why a channel is not allowed.
/// </summary>
internal sealed record IndexRow(
    string SupporterId,
    IReadOnlyList<string> Tags,
    string? Constituency,
    bool EmailOk,
    bool SmsOk,
    string? Email = null,
    string? Phone = null,
    string? FirstName = null,
    string? MpName = null,
    int? MpMemberId = null,
    string? EmailWhy = null,
    string? SmsWhy = null)
{
    /// <summary>Whether the channel may be sent to. Written only with an address to send to, so true of a row read without its addresses too.</summary>
    public bool Allows(Channel channel) => channel == Channel.Email ? EmailOk : SmsOk;

    public string? AddressFor(Channel channel) => channel == Channel.Email ? Email : Phone;

    /// <summary>Why the channel is not allowed, in the ledger's words; null when it is.</summary>
    public string? WhyNot(Channel channel) =>
        Allows(channel) ? null : (channel == Channel.Email ? EmailWhy : SmsWhy) ?? "no-consent";
}
