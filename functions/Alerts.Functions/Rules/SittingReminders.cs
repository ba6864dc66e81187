using Alerts.Bills;
using Alerts.Campaigns;

namespace Alerts.Rules;

/// <summary>
/// Keeps reminder campaigns (made by rules with a <see cref="SittingReminder"/>) true to Parliament's
/// calendar: when a sitting moves, a reminder not yet sending moves with it (its date and its time); when
/// the bill is withdrawn, defeated or gets Royal Assent, reminders not yet sending are cancelled. Handing
/// the same event over twice finds nothing left to move or cancel.
/// </summary>
internal sealed partial class SittingReminders(
    AlertRuleStore rules, CampaignStore campaigns, CampaignActions actions, CampaignTransitions transitions, TimeProvider time, ILogger<SittingReminders> logger)
    : IBillEventSubscriber
{
    private static readonly CampaignState[] NotYetSending = [CampaignState.Draft, CampaignState.Approved, CampaignState.Scheduled];

    public async Task OnBillEventAsync(BillEvent billEvent, CancellationToken cancellationToken = default)
    {
        if (billEvent.Kind is not (BillEventKind.SittingMoved or BillEventKind.RoyalAssent or BillEventKind.Withdrawn or BillEventKind.Defeated))
        {
            return;
        }

        Dictionary<string, SittingReminder> reminders = (await rules.ListAsync(cancellationToken))
            .Where(r => r.Definition.Reminder is not null).ToDictionary(r => r.Id, r => r.Definition.Reminder!, StringComparer.Ordinal);
        if (reminders.Count == 0)
        {
            return;
        }

        string actor = "bill-event:" + billEvent.EventId;
        foreach (Campaign campaign in (await campaigns.ListAsync(cancellationToken: cancellationToken)).Where(c =>
                     NotYetSending.Contains(c.State) && c.RuleId is { } ruleId && reminders.ContainsKey(ruleId) && c.Content.Bill?.BillId == billEvent.BillId))
        {
            if (billEvent.Kind != BillEventKind.SittingMoved)
            {
                await actions.CancelAsync(campaign.Id, actor, cancellationToken);
                LogCancelled(logger, campaign.Id, billEvent.EventId);
                continue;
            }

            BillContext bill = campaign.Content.Bill!;
            if (billEvent.SittingDate is not { } moved || billEvent.PreviousSittingDate is not { } previous
                || bill.SittingDate != DateOnly.FromDateTime(previous) || !string.Equals(bill.Stage, billEvent.Stage, StringComparison.Ordinal))
            {
                continue; // a reminder of another sitting
            }

            DateOnly day = DateOnly.FromDateTime(moved);
            DateTimeOffset at = reminders[campaign.RuleId!].SendAt(day);
            DateTimeOffset now = time.GetUtcNow();
            await transitions.ChangeAsync(campaign.Id, NotYetSending, c => c with
            {
                Content = c.Content with { Bill = c.Content.Bill! with { SittingDate = day } },
                ScheduledAt = at > now ? at : now,
                // An approved reminder whose time had passed is scheduled again for the new one.
                State = c.State == CampaignState.Approved && at > now ? CampaignState.Scheduled : c.State,
            }, actor, $"the sitting moved to {day:yyyy-MM-dd}", cancellationToken);
            LogMoved(logger, campaign.Id, day);
        }
    }

    [LoggerMessage(EventId = 5503, Level = LogLevel.Information, Message = "Reminder {CampaignId} moved with its sitting to {SittingDate}")]
    private static partial void LogMoved(ILogger logger, string campaignId, DateOnly sittingDate);

    [LoggerMessage(EventId = 5504, Level = LogLevel.Information, Message = "Reminder {CampaignId} cancelled: bill event {EventId}")]
    private static partial void LogCancelled(ILogger logger, string campaignId, string eventId);
}
