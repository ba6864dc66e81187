namespace Alerts.Campaigns;

internal enum CampaignChange
{
    Done,
    NotFound,
    WrongState,
    Invalid,

    /// <summary>Approval by the person who drafted it, where <see cref="Messages.AlertingOptions.RequireSecondApprover"/> forbids that.</summary>
    NeedsSecondApprover,
}

internal sealed record CampaignOutcome(CampaignChange Change, Campaign? Campaign, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public static CampaignOutcome NotFound { get; } = new(CampaignChange.NotFound, null);
}
