using System.Text.Json;

namespace Alerts.Triggers;

/// <summary>The parts of the host's <c>TimerInfo</c> we use. Every field is optional on the wire.</summary>
internal sealed record TimerInvocation(bool IsPastDue, DateTimeOffset? LastRun, DateTimeOffset? NextRun)
{
    public static TimerInvocation From(InvocationRequest invocation, string bindingName)
    {
        if (invocation.GetData(bindingName) is not { ValueKind: JsonValueKind.Object } timer)
        {
            return new TimerInvocation(false, null, null);
        }

        bool isPastDue = timer.TryGetProperty(nameof(IsPastDue), out JsonElement pastDue)
            && pastDue.ValueKind == JsonValueKind.True;

        DateTimeOffset? last = null;
        DateTimeOffset? next = null;
        if (timer.TryGetProperty("ScheduleStatus", out JsonElement status) && status.ValueKind == JsonValueKind.Object)
        {
            last = InvocationValue.AsTimestamp(status.TryGetProperty("Last", out JsonElement l) ? l : null);
            next = InvocationValue.AsTimestamp(status.TryGetProperty("Next", out JsonElement n) ? n : null);
        }

        return new TimerInvocation(isPastDue, last, next);
    }
}
