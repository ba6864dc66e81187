using System.Runtime.CompilerServices;
using Alerts.Hosting;
using Alerts.Storage;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Cronos;

namespace Alerts.Triggers;

/// <summary>
/// Stands in for the Functions host when the app runs alone (a laptop, a VM, the tests): fires each timer
/// function on its schedule and polls each queue function's queue, with host.json's queue settings, and
/// calls the same function classes in-process. There are no invocation endpoints: nothing outside the
/// process can start a run. Off when <c>Triggers:RunLocally</c> is false (tests drive runs themselves).
/// </summary>
internal sealed partial class LocalTriggerRunner(
    AlertsStorage storage,
    QueueSettings queues,
    IServiceProvider services,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<LocalTriggerRunner> logger) : BackgroundService
{
    /// <summary>
    /// How long a received message stays invisible; renewed every third of it while its handler runs, as the
    /// host's queue listener does. Short, so a message whose process died is handled again within a minute.
    /// </summary>
    internal static readonly TimeSpan MessageLease = TimeSpan.FromSeconds(30);

    private Dictionary<TimerFunction, CronExpression> _schedules = [];

    private bool RunsLocally => configuration.GetValue("Triggers:RunLocally", true);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // A schedule that cannot be read stops the start, naming its setting, rather than one timer silently.
        _schedules = RunsLocally ? FunctionTriggers.Timers.ToDictionary(t => t, t => FunctionTriggers.ParseSchedule(t, configuration)) : [];
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!RunsLocally)
        {
            return;
        }

        Task[] loops =
        [
            .. _schedules.Select(timer => RunTimerAsync(timer.Key, timer.Value, stoppingToken)),
            .. FunctionTriggers.Queues.Select(queue => PollQueueAsync(queue, stoppingToken)),
        ];
        LogStarted(logger, loops.Length);
        await Task.WhenAll(loops);
    }

    private async Task RunTimerAsync(TimerFunction timer, CronExpression schedule, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            DateTimeOffset now = time.GetUtcNow();
            if (schedule.GetNextOccurrence(now, TimeZoneInfo.Utc) is not { } next)
            {
                return;
            }

            try
            {
                await Task.Delay(next - now, time, stoppingToken);
                string summary = await FunctionTriggers.RunTimerAsync(services, timer.Name, stoppingToken);
                LogRan(logger, timer.Name, summary);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // As under the host: a failed run is logged, and the next one comes on schedule.
                LogFailed(logger, ex, timer.Name);
            }
        }
    }

    private async Task PollQueueAsync(QueueFunction function, CancellationToken stoppingToken)
    {
        QueueClient queue = storage.Queue(function.QueueName);
        QueueClient poison = storage.PoisonQueue(function.QueueName);
        TimeSpan idleDelay = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] messages;
            try
            {
                messages = (await queue.ReceiveMessagesAsync(queues.BatchSize, MessageLease, stoppingToken)).Value;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Azure.RequestFailedException ex)
            {
                LogQueueUnavailable(logger, ex, function.Name);
                messages = [];
            }

            if (messages.Length == 0)
            {
                // Back off like the host does, up to host.json's maxPollingInterval.
                try
                {
                    await Task.Delay(idleDelay, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                idleDelay = TimeSpan.FromTicks(Math.Min(idleDelay.Ticks * 2, queues.MaxPollingInterval.Ticks));
                continue;
            }

            idleDelay = TimeSpan.FromMilliseconds(100);
            await Task.WhenAll(messages.Select(m => HandleMessageAsync(function, queue, poison, m, stoppingToken)));
        }
    }

    private async Task HandleMessageAsync(QueueFunction function, QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken stoppingToken)
    {
        var receipt = new StrongBox<string>(message.PopReceipt);
        bool succeeded;
        using (var renewing = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
        {
            Task renewal = RenewLeaseAsync(function.Name, queue, message.MessageId, receipt, renewing.Token);
            try
            {
                string summary = await FunctionTriggers.HandleMessageAsync(services, function.Name, message.MessageText, message.DequeueCount, stoppingToken);
                LogRan(logger, function.Name, summary);
                succeeded = true;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                throw; // the process is stopping: the message comes back when its lease ends
            }
            catch (Exception ex)
            {
                LogFailed(logger, ex, function.Name);
                succeeded = false;
            }
            finally
            {
                await renewing.CancelAsync();
                await renewal;
            }
        }

        string popReceipt = receipt.Value!;
        if (succeeded)
        {
            await queue.DeleteMessageAsync(message.MessageId, popReceipt, CancellationToken.None);
        }
        else if (message.DequeueCount >= queues.MaxDequeueCount)
        {
            await poison.SendMessageAsync(message.MessageText, CancellationToken.None);
            await queue.DeleteMessageAsync(message.MessageId, popReceipt, CancellationToken.None);
            LogPoisoned(logger, function.Name, message.MessageId, message.DequeueCount);
        }
        else
        {
            await queue.UpdateMessageAsync(message.MessageId, popReceipt, visibilityTimeout: queues.VisibilityTimeout, cancellationToken: CancellationToken.None);
        }
    }

    /// <summary>Keeps a message invisible while its handler runs; each renewal gives a new pop receipt.</summary>
    private async Task RenewLeaseAsync(string functionName, QueueClient queue, string messageId, StrongBox<string> receipt, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(MessageLease / 3, time, cancellationToken);
                UpdateReceipt updated = (await queue.UpdateMessageAsync(messageId, receipt.Value, visibilityTimeout: MessageLease, cancellationToken: cancellationToken)).Value;
                receipt.Value = updated.PopReceipt;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Azure.RequestFailedException ex)
        {
            // The lease was lost (the process stalled and another reader took the message): the ledger keeps that harmless.
            LogLeaseLost(logger, ex, functionName, messageId);
        }
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Local trigger runner started {Count} timer and queue loops (no Functions host)")]
    private static partial void LogStarted(ILogger logger, int count);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "{FunctionName}: {Summary}")]
    private static partial void LogRan(ILogger logger, string functionName, string summary);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Error, Message = "{FunctionName} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string functionName);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Error, Message = "{FunctionName}: message {MessageId} failed {DequeueCount} times and was moved to the poison queue")]
    private static partial void LogPoisoned(ILogger logger, string functionName, string messageId, long dequeueCount);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "{FunctionName}: could not read the queue")]
    private static partial void LogQueueUnavailable(ILogger logger, Exception exception, string functionName);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "{FunctionName}: could not keep message {MessageId} invisible")]
    private static partial void LogLeaseLost(ILogger logger, Exception exception, string functionName, string messageId);
}
