using Alerts.Campaigns;
using Alerts.Segments;

namespace Alerts.Rules;

/// <summary>What became of a request to set up a rule.</summary>
internal sealed record AlertRuleOutcome(AlertRule? Rule, IReadOnlyDictionary<string, string[]> Errors, bool NeedsSendScope = false);

/// <summary>Setting rules up and taking them down, with what a valid rule is.</summary>
internal sealed class AlertRules(AlertRuleStore rules, SegmentStore segments, TimeProvider time)
{
    /// <summary>
    /// Saves a rule. One in sendAutomatically mode approves and sends campaigns by itself, so setting it up is
    /// a send, not a write: it needs <paramref name="actorMaySend"/>.
    /// </summary>
    public async Task<AlertRuleOutcome> CreateAsync(AlertRuleDefinition definition, string actor, bool actorMaySend, CancellationToken cancellationToken = default)
    {
        if (definition.Mode == AlertRuleMode.SendAutomatically && !actorMaySend)
        {
            return new AlertRuleOutcome(null, new Dictionary<string, string[]>(), NeedsSendScope: true);
        }

        Dictionary<string, string[]> errors = definition.Validate();
        foreach ((string key, string[] value) in CampaignContentRules.Validate(definition.Campaign))
        {
            errors["campaign." + key] = value;
        }

        if (!errors.ContainsKey("campaign.segmentId"))
        {
            if (await segments.GetAsync(definition.Campaign.SegmentId, cancellationToken) is not { } segment)
            {
                errors["campaign.segmentId"] = ["No segment has this id."];
            }
            else
            {
                // Caught now, not at every bill event: a campaign on a channel its segment lacks cannot be made.
                foreach ((string key, string[] value) in CampaignContentRules.ChannelErrors(definition.Campaign, segment))
                {
                    errors["campaign." + key] = value;
                }
            }
        }

        return errors.Count > 0
            ? new AlertRuleOutcome(null, errors)
            : new AlertRuleOutcome(await rules.AddAsync(definition, time.GetUtcNow(), actor, cancellationToken), errors);
    }

    public Task<IReadOnlyList<AlertRule>> ListAsync(CancellationToken cancellationToken = default) => rules.ListAsync(cancellationToken);

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default) => rules.DeleteAsync(id, cancellationToken);
}
