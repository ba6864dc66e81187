using Alerts.Audit;
using Alerts.Campaigns;

namespace Alerts.Dispatch;

/// <summary>A sending campaign is completed once its plan is complete and every part of every planned batch is done.</summary>
internal sealed class CampaignCompletion(CampaignStore campaigns, BatchStore batches, CampaignTransitions transitions)
{
    public async Task<bool> TryCompleteAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        if (await campaigns.GetAsync(campaignId, cancellationToken) is not { State: CampaignState.Sending, Plan.Complete: true } campaign
            || !await batches.AllDoneAsync(campaignId, campaign.Plan.NextBatch, cancellationToken))
        {
            return false;
        }

        CampaignOutcome outcome = await transitions.ChangeAsync(campaignId, [CampaignState.Sending],
            c => c.Plan.Complete ? c with { State = CampaignState.Completed } : null, Actors.System, cancellationToken: cancellationToken);
        return outcome.Change == CampaignChange.Done;
    }
}
