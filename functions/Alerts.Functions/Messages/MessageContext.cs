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
        recipient.IsSample && Division?.House == DivisionIds.Commons ? new MemberVote(VotePosition.Aye, ByProxy: false) : VoteOfMp(recipient.MpMemberId);

    /// <summary>How the MP with this Members API id voted in the campaign's Commons division, if any.</summary>
    public MemberVote? VoteOfMp(int? mpMemberId) => Division?.House != DivisionIds.Commons ? null : Roll?.Of(mpMemberId);

    /// <summary>Whether a supporter with this MP is in the audience, when the campaign is narrowed by how MPs voted.</summary>
    public bool Reaches(int? mpMemberId) => Content.ReachesMpWho(VoteWording.Side(VoteOfMp(mpMemberId)));
}
