using Alerts.Bills;
using Alerts.Campaigns;

namespace Alerts.Rules;

public enum AlertRuleMode
{
    /// <summary>Make a draft for staff to review and approve (the default).</summary>
    Draft,

    /// <summary>Approve and send at once.</summary>
    SendAutomatically,
}

/// <summary>"When bill X (or any watched bill) reaches report stage in the Commons, draft this alert to the asylum segment."</summary>
public sealed record AlertRuleDefinition
{
    public string Name { get; init; } = string.Empty;

    /// <summary>The bill, or null for every watched bill.</summary>
    public int? BillId { get; init; }

    public IReadOnlyList<string> EventKinds { get; init; } = [nameof(BillEventKind.StageReached)];

    /// <summary>Matches when the stage name contains this text (case-insensitive), e.g. "report".</summary>
    public string? StageContains { get; init; }

    /// <summary>Commons, Lords or Unassigned.</summary>
    public string? House { get; init; }

    public AlertRuleMode Mode { get; init; } = AlertRuleMode.Draft;

    /// <summary>
    /// For a rule on SittingScheduled only: schedule the campaign this long before the sitting (in draft mode,
    /// approving it schedules it). It moves when the sitting moves, and is cancelled if the bill is withdrawn,
    /// defeated or gets Royal Assent first.
    /// </summary>
    public SittingReminder? Reminder { get; init; }

    /// <summary>The campaign to make: its name may use {{bill_title}} and {{stage}}; the bill context is filled in from the event.</summary>
    public CampaignContent Campaign { get; init; } = new();

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 200)
        {
            errors["name"] = ["1 to 200 characters."];
        }

        if (EventKinds.Count == 0 || EventKinds.Any(k => !Enum.TryParse<BillEventKind>(k, ignoreCase: true, out _)))
        {
            errors["eventKinds"] = [$"Choose from {string.Join(", ", Enum.GetNames<BillEventKind>())}."];
        }

        if (StageContains is { Length: > 100 })
        {
            errors["stageContains"] = ["At most 100 characters."];
        }

        if (House is not null and not ("Commons" or "Lords" or "Unassigned"))
        {
            errors["house"] = ["Commons, Lords or Unassigned."];
        }

        if (Reminder is not null && (EventKinds.Count != 1 || !string.Equals(EventKinds[0], nameof(BillEventKind.SittingScheduled), StringComparison.OrdinalIgnoreCase)))
        {
            errors["reminder"] = ["A reminder counts back from a sitting: use it with eventKinds [\"SittingScheduled\"] only."];
        }

        if (Campaign.MpVoted.Count > 0 && (EventKinds.Count != 1 || !string.Equals(EventKinds[0], nameof(BillEventKind.DivisionRecorded), StringComparison.OrdinalIgnoreCase)))
        {
            errors["campaign.mpVoted"] = ["Only a follow-up on a division knows how MPs voted: use it with eventKinds [\"DivisionRecorded\"] only."];
        }

        if (Reminder is { DaysBefore: < 0 or > 14 })
        {
            errors["reminder.daysBefore"] = ["0 (the sitting day) to 14."];
        }

        return errors;
    }

    internal bool Matches(BillEvent billEvent) =>
        (BillId is null || BillId == billEvent.BillId)
        && EventKinds.Any(k => string.Equals(k, billEvent.Kind.ToString(), StringComparison.OrdinalIgnoreCase))
        && (StageContains is null || billEvent.Stage?.Contains(StageContains, StringComparison.OrdinalIgnoreCase) == true)
        && (House is null || string.Equals(House, billEvent.House, StringComparison.OrdinalIgnoreCase));
}
