using System.Globalization;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Triggers;

/// <summary>What the host's queue trigger tells a queue function besides the message.</summary>
internal static class QueueBinding
{
    /// <summary>The queue trigger's own count of deliveries, from its binding data (1 if the host sent none).</summary>
    public static long DequeueCount(FunctionContext context) =>
        context.BindingContext.BindingData.TryGetValue("DequeueCount", out object? value)
        && long.TryParse(Convert.ToString(value, CultureInfo.InvariantCulture)?.Trim('"'), NumberStyles.Integer, CultureInfo.InvariantCulture, out long count)
            ? count
            : 1;
}
