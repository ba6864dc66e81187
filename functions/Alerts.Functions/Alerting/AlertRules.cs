using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Alerts.Bills;
using Alerts.Storage;
using Azure;
using Azure.Data.Tables;

namespace Alerts.Alerting;

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

        return errors;
    }

    internal bool Matches(BillEvent billEvent) =>
        (BillId is null || BillId == billEvent.BillId)
        && EventKinds.Any(k => string.Equals(k, billEvent.Kind.ToString(), StringComparison.OrdinalIgnoreCase))
        && (StageContains is null || billEvent.Stage?.Contains(StageContains, StringComparison.OrdinalIgnoreCase) == true)
        && (House is null || string.Equals(House, billEvent.House, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A saved rule. <c>CreatedBy</c> is who set it up (an API key or Entra user), named on the campaigns it approves.</summary>
internal sealed record AlertRule(string Id, AlertRuleDefinition Definition, DateTimeOffset CreatedAt, string? CreatedBy = null);

internal sealed class AlertRuleStore(AlertsStorage storage)
{
    private const string Partition = "rule";
    private readonly TableClient _rules = storage.Table(Tables.AlertRules);

    public async Task<AlertRule> AddAsync(AlertRuleDefinition definition, DateTimeOffset now, string createdBy, CancellationToken cancellationToken = default)
    {
        var rule = new AlertRule("r" + Guid.NewGuid().ToString("N")[..16], definition, now, createdBy);
        var row = new TableEntity(Partition, rule.Id)
        {
            ["CreatedAt"] = now,
            ["CreatedBy"] = createdBy,
        };
        LargeText.Write(row, "Definition", JsonSerializer.Serialize(definition, DispatchMessage.Json));
        await _rules.AddEntityAsync(row, cancellationToken);
        return rule;
    }

    public async Task<IReadOnlyList<AlertRule>> ListAsync(CancellationToken cancellationToken = default)
    {
        var rules = new List<AlertRule>();
        await foreach (TableEntity row in _rules.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken))
        {
            rules.Add(new AlertRule(row.RowKey, JsonSerializer.Deserialize<AlertRuleDefinition>(LargeText.Read(row, "Definition")!, DispatchMessage.Json)!,
                row.GetDateTimeOffset("CreatedAt") ?? default, row.GetString("CreatedBy")));
        }

        return rules;
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        TableKeys.IsId(id) && (await _rules.DeleteEntityAsync(Partition, id, ETag.All, cancellationToken)).Status != 404;
}

/// <summary>
/// Plugged into the bill watcher's seam: each new bill event makes at most one campaign per matching rule,
/// because the campaign id is derived from the rule and the event.
/// </summary>
internal sealed partial class AlertRuleSubscriber(AlertRuleStore rules, CampaignService campaigns, ILogger<AlertRuleSubscriber> logger) : IBillEventSubscriber
{
    public async Task OnBillEventAsync(BillEvent billEvent, CancellationToken cancellationToken = default)
    {
        foreach (AlertRule rule in (await rules.ListAsync(cancellationToken)).Where(r => r.Definition.Matches(billEvent)))
        {
            var bill = new BillContext(billEvent.BillId, billEvent.BillTitle, billEvent.Stage, billEvent.House,
                billEvent.SittingDate is { } d ? DateOnly.FromDateTime(d) : null, billEvent.EventId);
            CampaignContent content = rule.Definition.Campaign with
            {
                Name = rule.Definition.Campaign.Name.Replace("{{bill_title}}", billEvent.BillTitle, StringComparison.Ordinal)
                    .Replace("{{stage}}", billEvent.Stage ?? string.Empty, StringComparison.Ordinal),
                Bill = bill,
            };
            string id = CampaignIdFor(rule.Id, billEvent.EventId);
            CampaignOutcome outcome = await campaigns.CreateDraftAsync(content, id, rule.Id, cancellationToken);
            if (outcome.Change == CampaignChange.Invalid)
            {
                LogRuleInvalid(logger, rule.Id, billEvent.EventId, string.Join("; ", outcome.Errors!.Keys));
                continue;
            }

            LogCampaignFromRule(logger, id, rule.Id, billEvent.EventId);
            if (rule.Definition.Mode == AlertRuleMode.SendAutomatically)
            {
                // Approved in the name of the rule and of the person (with the send scope) who set it up.
                await campaigns.ApproveAsync(id, $"rule:{rule.Id} (set up by {rule.CreatedBy ?? "unknown"})", cancellationToken);
                await campaigns.SendAsync(id, null, cancellationToken);
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
