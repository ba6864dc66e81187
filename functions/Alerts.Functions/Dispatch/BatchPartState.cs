namespace Alerts.Dispatch;

/// <summary>Where one part of a batch is.</summary>
public enum BatchPartState
{
    /// <summary>Its message is on the queue (or being handled).</summary>
    Pending,

    /// <summary>Put back on the queue until <see cref="BatchPart.Until"/>: quiet hours, or a provider that asked us to wait.</summary>
    Waiting,

    Done,

    /// <summary>Failed on every attempt the queue allows: it waits for staff to retry it.</summary>
    Poisoned,
}
