namespace Alerts.Infrastructure;

/// <summary>What one run of a timer or queue function did: its summary line, or why it failed.</summary>
internal sealed record FunctionRun(bool Succeeded, string Log);
