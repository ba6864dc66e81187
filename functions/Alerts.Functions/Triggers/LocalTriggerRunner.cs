using System.Text.Json;
using Alerts.Hosting;
using Alerts.Storage;
using Azure.Storage.Queues.Models;
using Azure.Storage.Queues;
using Cronos;

namespace Alerts.Triggers;

/// <summary>
/// Stands in for the Functions host when the app runs alone (a laptop, a VM, a container): fires each
/// timer function on its function.json schedule and polls each queue function's queue, building the same
/// envelopes the host would and invoking the same handlers. Off under the host, and when
/// <c>Triggers:RunLocally</c> is false (tests drive invocations themselves).
/// </summary>
internal sealed partial class LocalTriggerRunner(
    FunctionCatalog catalog,
    FunctionInvocations invocations,
    AlertsStorage storage,
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<LocalTriggerRunner> logger) : BackgroundService
{
    /// <summary>
    /// How long a received message stays invisible; renewed every third of it while its handler runs, as the
    /// host's queue listener does. Short, so a message whose process died is handled again within a minute.
    /// </summary>
    internal static readonly TimeSpan MessageLease = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (CustomHandlerHosting.RunsUnderFunctionsHost || !configuration.GetValue("Triggers:RunLocally", true))
        {
            return;
        }

        var loops = new List<Task>();
        foreach (FunctionDefinition function in catalog.Functions.Where(f => invocations.FunctionNames.Contains(f.Name)))
        {
            if (function.Trigger == TriggerKind.Timer)
            {
                loops.Add(RunTimerAsync(function, stoppingToken));
            }
            else if (function.Trigger == TriggerKind.Queue)
            {
                loops.Add(PollQueueAsync(function, stoppingToken));
            }
        }

        LogStarted(logger, loops.Count);
        await Task.WhenAll(loops);
    }

    private async Task RunTimerAsync(FunctionDefinition function, CancellationToken stoppingToken)
    {
        CronExpression schedule = ParseSchedule(function);
        DateTimeOffset? last = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            DateTimeOffset now = time.GetUtcNow();
            DateTimeOffset? next = schedule.GetNextOccurrence(now, TimeZoneInfo.Utc);
            if (next is null)
            {
                return;
            }

            try
            {
                await Task.Delay(next.Value - now, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            DateTimeOffset following = schedule.GetNextOccurrence(next.Value, TimeZoneInfo.Utc) ?? next.Value;
            var envelope = Envelope(function, new
            {
                Schedule = new { AdjustForDST = true },
                ScheduleStatus = last is null ? null : new { Last = last, Next = following, LastUpdated = time.GetUtcNow() },
                IsPastDue = false,
            }, new Dictionary<string, object?>());
            await InvokeAsync(function.Name, envelope, stoppingToken);
            last = next;
        }
    }

    private async Task PollQueueAsync(FunctionDefinition function, CancellationToken stoppingToken)
    {
        QueueClient queue = storage.QueueFor(function.Name);
        QueueClient poison = storage.PoisonQueueFor(function.Name);
        QueueSettings settings = catalog.Queues;
        TimeSpan idleDelay = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] messages;
            try
            {
                messages = (await queue.ReceiveMessagesAsync(settings.BatchSize, MessageLease, stoppingToken)).Value;
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

                idleDelay = TimeSpan.FromTicks(Math.Min(idleDelay.Ticks * 2, settings.MaxPollingInterval.Ticks));
                continue;
            }

            idleDelay = TimeSpan.FromMilliseconds(100);
            await Task.WhenAll(messages.Select(m => HandleMessageAsync(function, queue, poison, m, stoppingToken)));
        }
    }

    private async Task HandleMessageAsync(
        FunctionDefinition function, QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken stoppingToken)
    {
        var envelope = Envelope(function, message.MessageText, new Dictionary<string, object?>
        {
            ["DequeueCount"] = message.DequeueCount,
            ["ExpirationTime"] = message.ExpiresOn,
            ["Id"] = message.MessageId,
            ["InsertionTime"] = message.InsertedOn,
            ["NextVisibleTime"] = message.NextVisibleOn,
            ["PopReceipt"] = message.PopReceipt,
        });

        var receipt = new System.Runtime.CompilerServices.StrongBox<string>(message.PopReceipt);
        bool succeeded;
        using (var renewing = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
        {
            Task renewal = RenewLeaseAsync(function.Name, queue, message.MessageId, receipt, renewing.Token);
            try
            {
                succeeded = await InvokeAsync(function.Name, envelope, stoppingToken);
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
        else if (message.DequeueCount >= catalog.Queues.MaxDequeueCount)
        {
            await poison.SendMessageAsync(message.MessageText, CancellationToken.None);
            await queue.DeleteMessageAsync(message.MessageId, popReceipt, CancellationToken.None);
            LogPoisoned(logger, function.Name, message.MessageId, message.DequeueCount);
        }
        else
        {
            await queue.UpdateMessageAsync(message.MessageId, popReceipt, visibilityTimeout: catalog.Queues.VisibilityTimeout,
                cancellationToken: CancellationToken.None);
        }
    }

    /// <summary>Keeps a message invisible while its handler runs; each renewal gives a new pop receipt.</summary>
    private async Task RenewLeaseAsync(
        string functionName, QueueClient queue, string messageId, System.Runtime.CompilerServices.StrongBox<string> receipt, CancellationToken cancellationToken)
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

    private async Task<bool> InvokeAsync(string functionName, InvocationRequest envelope, CancellationToken stoppingToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        InvocationOutcome outcome = await invocations.InvokeAsync(functionName, envelope, scope.ServiceProvider, stoppingToken);
        foreach (string line in outcome.Result.Logs)
        {
            LogInvocationLine(logger, functionName, line);
        }

        return outcome.Succeeded;
    }

    private InvocationRequest Envelope(FunctionDefinition function, object? data, Dictionary<string, object?> metadata)
    {
        metadata["sys"] = new { MethodName = function.Name, UtcNow = time.GetUtcNow(), RandGuid = Guid.NewGuid() };
        return new InvocationRequest(
            new Dictionary<string, JsonElement> { [function.BindingName] = JsonSerializer.SerializeToElement(data) },
            metadata.ToDictionary(p => p.Key, p => JsonSerializer.SerializeToElement(p.Value)));
    }

    private CronExpression ParseSchedule(FunctionDefinition function)
    {
        string schedule = function.Schedule ?? throw new InvalidOperationException($"{function.Name}: timer has no schedule.");
        if (schedule.StartsWith('%') && schedule.EndsWith('%'))
        {
            // The host resolves %Name% from app settings; so do we.
            string setting = schedule.Trim('%');
            schedule = configuration[setting]
                ?? throw new InvalidOperationException($"{function.Name}: schedule setting '{setting}' is not configured.");
        }

        int fields = schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        return CronExpression.Parse(schedule, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Local trigger runner started {Count} timer and queue loops (no Functions host)")]
    private static partial void LogStarted(ILogger logger, int count);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "{FunctionName}: {Line}")]
    private static partial void LogInvocationLine(ILogger logger, string functionName, string line);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Error, Message = "{FunctionName}: message {MessageId} failed {DequeueCount} times and was moved to the poison queue")]
    private static partial void LogPoisoned(ILogger logger, string functionName, string messageId, long dequeueCount);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "{FunctionName}: could not keep message {MessageId} invisible")]
    private static partial void LogLeaseLost(ILogger logger, Exception exception, string functionName, string messageId);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "{FunctionName}: could not read the queue")]
    private static partial void LogQueueUnavailable(ILogger logger, Exception exception, string functionName);
}
