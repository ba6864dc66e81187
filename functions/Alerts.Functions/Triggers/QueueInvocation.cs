using System.Text.Json;

namespace Alerts.Triggers;

/// <summary>A queue-triggered invocation: the message text and how often it has been dequeued.</summary>
internal sealed record QueueInvocation(string MessageText, string? MessageId, int DequeueCount)
{
    public static QueueInvocation From(InvocationRequest invocation, string bindingName)
    {
        JsonElement message = invocation.GetData(bindingName)
            ?? throw new InvalidInvocationException($"The invocation has no '{bindingName}' data.");

        int dequeueCount = invocation.GetMetadata("DequeueCount") is { ValueKind: JsonValueKind.Number } count
            && count.TryGetInt32(out int parsed) ? parsed : 1;
        string? id = invocation.GetMetadata("Id") is { ValueKind: JsonValueKind.String } idValue ? idValue.GetString() : null;

        return new QueueInvocation(InvocationValue.AsText(message), id, dequeueCount);
    }
}

/// <summary>The host sent an envelope the handler cannot act on. The invocation fails; the host retries.</summary>
internal sealed class InvalidInvocationException(string message) : Exception(message);
