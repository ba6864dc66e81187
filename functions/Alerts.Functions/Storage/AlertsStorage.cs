using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Alerts.Storage;

/// <summary>The app's tables and queues, with the configured name prefix applied in one place.</summary>
internal sealed class AlertsStorage(TableServiceClient tables, QueueServiceClient queues, IOptions<StorageOptions> options)
{
    /// <summary>Every table the app uses; created at start-up when missing.</summary>
    public static readonly IReadOnlyList<string> TableNames =
    [
        Tables.WatchedBills, Tables.BillEvents, Tables.BillWatchState,
        Tables.Supporters, Tables.SupporterLookup, Tables.Suppressions, Tables.Segments, Tables.LookupCache, Tables.ImportJobs, Tables.ImportFiles,
        Tables.Campaigns, Tables.CampaignBatches, Tables.Deliveries, Tables.DeliveryClaims, Tables.Outbox, Tables.AlertRules, Tables.WebhookReceipts, Tables.ApiKeys, Tables.AuditLog,
        Tables.Divisions,
        .. Enumerable.Range(0, Segments.SegmentIndex.Shards).Select(Tables.SegmentIndexShard),
    ];

    private readonly string _prefix = options.Value.NamePrefix;

    public TableClient Table(string name) => tables.GetTableClient(_prefix + name);

    /// <summary>A queue, by the name its queue trigger gives it.</summary>
    public QueueClient Queue(string name) => queues.GetQueueClient(_prefix + name);

    /// <summary>Where the Functions host (or the local runner) moves a message after <c>maxDequeueCount</c> failed attempts.</summary>
    public QueueClient PoisonQueue(string name) => queues.GetQueueClient(_prefix + name + "-poison");

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
        Triggers.FunctionTriggers.Queues.SelectMany(f => new[] { Queue(f.QueueName), PoisonQueue(f.QueueName) });
}
