using Alerts.Audit;
using Alerts.Campaigns;

namespace Alerts.Dispatch;

/// <summary>
/// A sending campaign is completed once its plan is complete and every part of every planned batch is done.
/// Checking reads batch states only from the first batch not yet known to be done (kept on the campaign as
/// <see cref="PlanProgress.DoneBelow"/>) and stops at the first that is not, so a campaign of many
/// batches is not read whole after each one.
/// </summary>
internal sealed class CampaignCompletion(CampaignStore campaigns, BatchStore batches, CampaignTransitions transitions)
{
    public async Task<bool> TryCompleteAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        // While planning, batch states change nothing here, and the planner alone writes the plan.
        if (await campaigns.GetAsync(campaignId, cancellationToken) is not { State: CampaignState.Sending, Plan.Complete: true } campaign)
        {
            return false;
        }

        int firstNotDone = await batches.FirstNotDoneAsync(campaignId, campaign.Plan.DoneBelow, campaign.Plan.NextBatch, cancellationToken);
        if (firstNotDone < campaign.Plan.NextBatch)
        {
            if (firstNotDone > campaign.Plan.DoneBelow)
            {
                // Only a hint for the next check: losing this race to another part's check costs a re-read.
                await campaigns.TryReplaceAsync(campaign with { Plan = campaign.Plan with { DoneBelow = firstNotDone } }, cancellationToken);
            }

            return false;
        }

        CampaignOutcome outcome = await transitions.ChangeAsync(campaignId, [CampaignState.Sending],
            c => c.Plan.Complete ? c with { State = CampaignState.Completed } : null, Actors.System, cancellationToken: cancellationToken);
        return outcome.Change == CampaignChange.Done;
    }
}
