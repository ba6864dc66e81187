using Alerts.Campaigns;

namespace Alerts.Messages;

/// <summary>
/// Everything a message is filled from besides its recipient, built once for a batch (or a preview) by
/// <see cref="MessageContexts"/>: the campaign's content with its bill, and the charity. Data that belongs
/// to a batch rather than a person (a division's roll call, say) goes here, so it reaches every message
/// without a parameter threaded through every caller.
/// </summary>
internal sealed record MessageContext(string CampaignId, CampaignContent Content, string CharityName);
