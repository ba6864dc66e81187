using Alerts.Campaigns;
using Alerts.Divisions;

namespace Alerts.Messages;

/// <summary>
/// Everything a message is filled from besides its recipient, built once for a batch (or a preview) by
/// <see cref="MessageContexts"/>: the campaign's content with its bill, the charity, and for a campaign
/// that follows up a division, the division as Parliament last published it and how each MP voted.
/// </summary>
internal sealed record MessageContext(string CampaignId, CampaignContent Content, string CharityName, DivisionContext? Division = null, DivisionRoll? Roll = null)
{
    /// <summary>
    /// How the recipient's MP voted: null when the campaign is about no Commons division (supporters have no
    /// peer), their MP is unknown, or their MP is not in the roll (a vacant seat). Previews show an aye.
    /// </summary>
    public MemberVote? VoteOf(Recipient recipient) =>
        Division?.House != DivisionIds.Commons ? null
        : recipient.IsSample ? new MemberVote(VotePosition.Aye, ByProxy: false)
        : Roll?.Of(recipient.MpMemberId);
}
