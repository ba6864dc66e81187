namespace Alerts.Campaigns;

internal enum CampaignChange
{
    Done,
    NotFound,
    WrongState,
    Invalid,
}

internal sealed record CampaignOutcome(CampaignChange Change, Campaign? Campaign, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public static CampaignOutcome NotFound { get; } = new(CampaignChange.NotFound, null);
}
