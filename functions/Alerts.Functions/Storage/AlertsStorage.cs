using Alerts.Hosting;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Alerts.Storage;

/// <summary>The app's tables and queues, with the configured name prefix applied in one place.</summary>
internal sealed class AlertsStorage(
    TableServiceClient tables, QueueServiceClient queues, FunctionCatalog functions, IOptions<StorageOptions> options)
{
    /// <summary>Every table the app uses; created at start-up when missing.</summary>
    public static readonly IReadOnlyList<string> TableNames =
    [
        Tables.WatchedBills, Tables.BillEvents, Tables.BillWatchState,
        Tables.Supporters, Tables.SupporterLookup, Tables.SegmentIndex, Tables.Suppressions, Tables.Segments, Tables.LookupCache,
        Tables.Campaigns, Tables.CampaignBatches, Tables.Deliveries, Tables.Outbox, Tables.AlertRules, Tables.WebhookReceipts, Tables.ApiKeys, Tables.AuditLog,
    ];

    private readonly string _prefix = options.Value.NamePrefix;

    public TableClient Table(string name) => tables.GetTableClient(_prefix + name);

    /// <summary>The queue a queue-triggered function listens on, named by its function.json.</summary>
    public QueueClient QueueFor(string functionName) =>
        queues.GetQueueClient(_prefix + functions.Get(functionName).QueueName);

    /// <summary>Where the Functions host moves a message after <c>maxDequeueCount</c> failed attempts.</summary>
    public QueueClient PoisonQueueFor(string functionName) =>
        queues.GetQueueClient(_prefix + functions.Get(functionName).QueueName + "-poison");

    /// <summary>A cheap round trip to the table service, for the health endpoint.</summary>
    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await Table(Tables.WatchedBills).QueryAsync<TableEntity>(maxPerPage: 1, cancellationToken: cancellationToken)
                .AsPages().FirstOrDefaultAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or AggregateException)
        {
            return false;
        }
    }

    public IEnumerable<QueueClient> AllQueues() =>
        functions.Functions.Where(f => f.Trigger == TriggerKind.Queue)
            .SelectMany(f => new[] { QueueFor(f.Name), PoisonQueueFor(f.Name) });
}
