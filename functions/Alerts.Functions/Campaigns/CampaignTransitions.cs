using Alerts.Audit;

namespace Alerts.Campaigns;

/// <summary>
/// The one place a campaign's state changes: draft → approved → scheduled → sending → completed, or
/// cancelled or failed. Each change is made under the row's ETag (a lost race reads again), logged, and
/// written to the audit trail with who made it. Staff actions, rules, planning and dispatch all come here.
/// </summary>
internal sealed partial class CampaignTransitions(CampaignStore campaigns, AuditLog audit, TimeProvider time, ILogger<CampaignTransitions> logger)
{
    private const int MaxRaces = 5;

    /// <summary>
    /// Applies <paramref name="change"/> if the campaign is in one of <paramref name="from"/>. The change may
    /// leave the state as it is (an edit), or return null to decline once it sees the fresh row.
    /// </summary>
    public async Task<CampaignOutcome> ChangeAsync(
        string id, IReadOnlyCollection<CampaignState> from, Func<Campaign, Campaign?> change, string actor, string? reason = null, CancellationToken cancellationToken = default)
    {
        for (int attempt = 0; attempt < MaxRaces; attempt++)
        {
            Campaign? campaign = await campaigns.GetAsync(id, cancellationToken);
            if (campaign is null)
            {
                return CampaignOutcome.NotFound;
            }

            if (!from.Contains(campaign.State) || change(campaign) is not { } changed)
            {
                return new CampaignOutcome(CampaignChange.WrongState, campaign);
            }

            Campaign next = changed with { UpdatedAt = time.GetUtcNow() };
            if (!await campaigns.TryReplaceAsync(next, cancellationToken))
            {
                continue;
            }

            if (next.State != campaign.State)
            {
                LogStateChanged(logger, id, campaign.State, next.State);
                await audit.RecordAsync(actor, "CampaignStateChanged", "campaign", id,
                    $"{campaign.State} → {next.State}" + (reason is null ? string.Empty : ": " + reason), cancellationToken);
            }

            return new CampaignOutcome(CampaignChange.Done, await campaigns.GetAsync(id, cancellationToken));
        }

        throw new InvalidOperationException($"Campaign {id} kept changing; try again.");
    }

    [LoggerMessage(EventId = 5401, Level = LogLevel.Information, Message = "Campaign {CampaignId}: {From} → {To}")]
    private static partial void LogStateChanged(ILogger logger, string campaignId, CampaignState from, CampaignState to);
}
