namespace Alerts.Triggers;

/// <summary>
/// A timer function: what one run does, and says. The host calls the class's <c>[Function]</c> method; the
/// local trigger runner and the tests call <see cref="RunOnceAsync"/>, which that method calls.
/// </summary>
internal interface ITimerFunction
{
    Task<string> RunOnceAsync(CancellationToken cancellationToken = default);
}
