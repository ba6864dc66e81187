namespace Alerts.Triggers;

/// <summary>
/// A queue function: handles one message, throwing to fail it (the queue then retries it, and poisons it
/// after host.json's <c>maxDequeueCount</c>). The host calls the class's <c>[Function]</c> method; the local
/// trigger runner and the tests call <see cref="HandleAsync"/>, which that method calls.
/// </summary>
internal interface IQueueFunction
{
    Task<string> HandleAsync(string message, long dequeueCount, CancellationToken cancellationToken = default);
}
