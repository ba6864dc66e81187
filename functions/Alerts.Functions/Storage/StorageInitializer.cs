namespace Alerts.Storage;

/// <summary>Creates the app's tables and queues when missing, before the app takes requests.</summary>
internal sealed partial class StorageInitializer(AlertsStorage storage, ILogger<StorageInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(
            AlertsStorage.TableNames.Select(name => storage.Table(name).CreateIfNotExistsAsync(cancellationToken))
                .Concat(storage.AllQueues().Select(queue => (Task)queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken))));
        LogReady(logger, AlertsStorage.TableNames.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Storage ready: {TableCount} tables and the dispatch queues exist")]
    private static partial void LogReady(ILogger logger, int tableCount);
}
