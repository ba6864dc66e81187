using System.Text.Json;

namespace Alerts.Hosting;

/// <summary>
/// The host's queue-trigger settings (<c>extensions.queues</c> in host.json), with the host's defaults: the
/// Functions host applies them to DispatchBatch, and the local trigger runner reads the same file.
/// </summary>
internal sealed record QueueSettings(int MaxDequeueCount, TimeSpan VisibilityTimeout, TimeSpan MaxPollingInterval, int BatchSize)
{
    /// <summary>The settings in the host.json of the function-app root, which is the app's own folder (build and publish output).</summary>
    public static QueueSettings Read() => Read(Path.Combine(AppContext.BaseDirectory, "host.json"));

    public static QueueSettings Read(string hostJsonPath)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(hostJsonPath));
        JsonElement queues = document.RootElement.TryGetProperty("extensions", out JsonElement ext)
                             && ext.TryGetProperty("queues", out JsonElement q) ? q : default;

        return new QueueSettings(
            Int(queues, "maxDequeueCount") ?? 5,
            Span(queues, "visibilityTimeout") ?? TimeSpan.Zero,
            Span(queues, "maxPollingInterval") ?? TimeSpan.FromMinutes(1),
            Int(queues, "batchSize") ?? 16);
    }

    private static int? Int(JsonElement section, string name) =>
        section.ValueKind == JsonValueKind.Object && section.TryGetProperty(name, out JsonElement v) ? v.GetInt32() : null;

    private static TimeSpan? Span(JsonElement section, string name) =>
        section.ValueKind == JsonValueKind.Object && section.TryGetProperty(name, out JsonElement v)
            ? TimeSpan.Parse(v.GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            : null;
}
