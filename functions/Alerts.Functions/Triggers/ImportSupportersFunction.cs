using Alerts.Hosting;
using Alerts.Supporters;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Triggers;

/// <summary>
/// One run of a background import: the next slice of its rows (<see cref="ImportJobs"/>). A throw fails the
/// message; the queue retries it, and on its last attempt the job is marked failed.
/// </summary>
internal sealed partial class ImportSupportersFunction(ImportJobs jobs, QueueSettings queues, ILogger<ImportSupportersFunction> logger) : IQueueFunction
{
    public const string Name = "ImportSupporters";

    [Function(Name)]
    public async Task RunAsync([QueueTrigger(ImportJobs.QueueName, Connection = "AzureWebJobsStorage")] string message, FunctionContext context, CancellationToken cancellationToken)
    {
        string summary = await HandleAsync(message, QueueBinding.DequeueCount(context), cancellationToken);
        LogRun(logger, summary);
    }

    public async Task<string> HandleAsync(string message, long dequeueCount, CancellationToken cancellationToken = default) =>
        Storage.TableKeys.IsId(message.Trim())
            ? await jobs.RunAsync(message.Trim(), lastAttempt: dequeueCount >= queues.MaxDequeueCount, cancellationToken)
            : throw new FormatException("An import message is the import's id.");

    [LoggerMessage(EventId = 1305, Level = LogLevel.Information, Message = "ImportSupporters: {Summary}")]
    private static partial void LogRun(ILogger logger, string summary);
}
