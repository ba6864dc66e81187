using System.Security.Cryptography;
using System.Text;
using Alerts.Bills;
using Alerts.Campaigns;

namespace Alerts.Rules;

/// <summary>
/// Plugged into the bill watcher's seam: each new bill event makes at most one campaign per matching rule,
/// because the campaign id is derived from the rule and the event.
/// </summary>
internal sealed partial class AlertRuleSubscriber(AlertRuleStore rules, CampaignActions campaigns, TimeProvider time, ILogger<AlertRuleSubscriber> logger) : IBillEventSubscriber
{
    public async Task OnBillEventAsync(BillEvent billEvent, CancellationToken cancellationToken = default)
    {
        foreach (AlertRule rule in (await rules.ListAsync(cancellationToken)).Where(r => r.Definition.Matches(billEvent)))
        {
            DateTimeOffset? scheduleAt = null;
            if (rule.Definition.Reminder is { } reminder && billEvent.SittingDate is { } sitting)
            {
                DateOnly day = DateOnly.FromDateTime(sitting);
                if (SittingReminder.HasBegun(day, time.GetUtcNow()))
                {
                    continue; // seen too late to remind anyone (a sitting recorded on the day, or a backlog)
                }

                // Due already (the sitting was announced at short notice): as soon as it is approved.
                scheduleAt = reminder.SendAt(day) is var at && at > time.GetUtcNow() ? at : null;
            }

            var bill = new BillContext(billEvent.BillId, billEvent.BillTitle, billEvent.Stage, billEvent.House,
                billEvent.SittingDate is { } d ? DateOnly.FromDateTime(d) : null, billEvent.EventId, billEvent.Division);
            CampaignContent content = rule.Definition.Campaign with
            {
                Name = rule.Definition.Campaign.Name.Replace("{{bill_title}}", billEvent.BillTitle, StringComparison.Ordinal)
                    .Replace("{{stage}}", billEvent.Stage ?? string.Empty, StringComparison.Ordinal),
                Bill = bill,
            };
            string id = CampaignIdFor(rule.Id, billEvent.EventId);
            string actor = $"rule:{rule.Id}";
            CampaignOutcome outcome = await campaigns.CreateDraftAsync(content, actor, id, rule.Id, scheduleAt, rule.CreatedBy, cancellationToken);
            if (outcome.Change == CampaignChange.Invalid)
            {
                LogRuleInvalid(logger, rule.Id, billEvent.EventId, string.Join("; ", outcome.Errors!.Keys));
                continue;
            }

            LogCampaignFromRule(logger, id, rule.Id, billEvent.EventId);
            if (rule.Definition.Mode == AlertRuleMode.SendAutomatically)
            {
                // Approved in the name of the rule and of the person (with the send scope) who set it up.
                // A reminder is scheduled by its approval; anything else is sent now.
                CampaignOutcome approved = await campaigns.ApproveAsync(id, $"{actor} (set up by {rule.CreatedBy ?? "unknown"})", actor, cancellationToken);
                if (approved.Campaign?.State == CampaignState.Approved)
                {
                    await campaigns.SendAsync(id, null, actor, cancellationToken);
                }
            }
        }
    }

    public static string CampaignIdFor(string ruleId, string eventId) =>
        "c" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ruleId + "|" + eventId)))[..20];

    [LoggerMessage(EventId = 5501, Level = LogLevel.Information, Message = "Campaign {CampaignId} from rule {RuleId} for bill event {EventId}")]
    private static partial void LogCampaignFromRule(ILogger logger, string campaignId, string ruleId, string eventId);

    [LoggerMessage(EventId = 5502, Level = LogLevel.Error, Message = "Rule {RuleId} could not make a campaign for {EventId}: invalid {Fields}")]
    private static partial void LogRuleInvalid(ILogger logger, string ruleId, string eventId, string fields);
}
