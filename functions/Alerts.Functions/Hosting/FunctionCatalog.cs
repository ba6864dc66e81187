using System.Text.Json;

namespace Alerts.Hosting;

/// <summary>
/// The functions of this app as declared in <c>host.json</c> and each <c>{Function}/function.json</c>:
/// the single source of truth for schedules, queue names and HTTP routes, read by the local trigger runner
/// and by the code that enqueues work.
/// </summary>
internal sealed class FunctionCatalog
{
    public FunctionCatalog(string appRoot)
    {
        AppRoot = appRoot;
        string hostJson = Path.Combine(appRoot, "host.json");
        if (!File.Exists(hostJson))
        {
            throw new InvalidOperationException($"host.json was not found in the function-app root '{appRoot}'.");
        }

        Queues = QueueSettings.Read(hostJson);
        Functions = Directory.EnumerateDirectories(appRoot)
            .Where(dir => File.Exists(Path.Combine(dir, "function.json")))
            .Select(dir => FunctionDefinition.Read(Path.GetFileName(dir), Path.Combine(dir, "function.json")))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
    }

    public string AppRoot { get; }

    public IReadOnlyList<FunctionDefinition> Functions { get; }

    public QueueSettings Queues { get; }

    public FunctionDefinition Get(string name) =>
        Functions.SingleOrDefault(f => f.Name == name)
        ?? throw new InvalidOperationException($"No function.json for function '{name}' under '{AppRoot}'.");

    /// <summary>The function-app root: the host's, else the folder the build or publish put us in.</summary>
    public static string DefaultAppRoot() =>
        Environment.GetEnvironmentVariable("FUNCTIONS_APP_ROOT_PATH") is { Length: > 0 } root ? root : AppContext.BaseDirectory;
}

internal enum TriggerKind
{
    Timer,
    Queue,
    Http,
}

internal sealed record FunctionDefinition(
    string Name,
    TriggerKind Trigger,
    string BindingName,
    string? Schedule,
    string? QueueName,
    string? Route,
    string? AuthLevel,
    IReadOnlyList<string> Methods)
{
    public static FunctionDefinition Read(string name, string path)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement trigger = document.RootElement.GetProperty("bindings").EnumerateArray()
            .Single(b => b.GetProperty("direction").GetString() == "in"
                         && b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));

        string type = trigger.GetProperty("type").GetString()!;
        TriggerKind kind = type switch
        {
            "timerTrigger" => TriggerKind.Timer,
            "queueTrigger" => TriggerKind.Queue,
            "httpTrigger" => TriggerKind.Http,
            _ => throw new InvalidOperationException($"{path}: trigger type '{type}' is not supported by this app."),
        };

        return new FunctionDefinition(
            name,
            kind,
            trigger.GetProperty("name").GetString()!,
            Text(trigger, "schedule"),
            Text(trigger, "queueName"),
            kind == TriggerKind.Http ? Text(trigger, "route") ?? name : null,
            kind == TriggerKind.Http ? Text(trigger, "authLevel") ?? "function" : null,
            trigger.TryGetProperty("methods", out JsonElement methods)
                ? methods.EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).ToList()
                : []);
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out JsonElement value) ? value.GetString() : null;
}

/// <summary>The host's queue-trigger settings (<c>extensions.queues</c> in host.json), with the host's defaults.</summary>
internal sealed record QueueSettings(int MaxDequeueCount, TimeSpan VisibilityTimeout, TimeSpan MaxPollingInterval, int BatchSize)
{
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
