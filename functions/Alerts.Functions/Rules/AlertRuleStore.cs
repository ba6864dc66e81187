using System.Text.Json;
using Alerts.Dispatch;
using Alerts.Storage;
using Azure.Data.Tables;
using Azure;

namespace Alerts.Rules;

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
