using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Alerts.Triggers;

namespace Alerts.Hosting;

/// <summary>The documented publish command produces the function-app root the Functions host reads, and its zip.</summary>
public sealed class PublishLayoutTests : IDisposable
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), "alerts-publish-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }

    [Fact]
    public async Task Publish_ProducesTheFunctionAppRoot_WithEveryFunctionsTrigger_AndAWorkerThatIsThere()
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine("eng", "publish.sh")); // dotnet publish functions/Alerts.Functions -c Release -o <out>/app, then zip
        start.ArgumentList.Add(_output);
        using Process publish = Process.Start(start)!;
        Task<string> stdout = publish.StandardOutput.ReadToEndAsync();
        Task<string> stderr = publish.StandardError.ReadToEndAsync();
        await publish.WaitForExitAsync();
        Assert.True(publish.ExitCode == 0, await stdout + await stderr);
        string app = Path.Combine(_output, "app");

        // host.json is the repository's own.
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "host.json")), await File.ReadAllTextAsync(Path.Combine(app, "host.json")));

        // functions.metadata: every function, each with its trigger, as the attributes declare it.
        using JsonDocument metadata = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(app, "functions.metadata")));
        Dictionary<string, JsonElement> triggers = metadata.RootElement.EnumerateArray().ToDictionary(
            f => f.GetProperty("name").GetString()!,
            f => f.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("direction").GetString() == "In").Clone());
        Assert.Equal(FunctionTriggers.Names.Order(StringComparer.Ordinal), triggers.Keys.Order(StringComparer.Ordinal));
        Assert.All(FunctionTriggers.Timers, t =>
        {
            Assert.Equal("timerTrigger", triggers[t.Name].GetProperty("type").GetString());
            Assert.Equal(t.Schedule, triggers[t.Name].GetProperty("schedule").GetString());
        });
        Assert.All(FunctionTriggers.Queues, q =>
        {
            Assert.Equal("queueTrigger", triggers[q.Name].GetProperty("type").GetString());
            Assert.Equal(q.QueueName, triggers[q.Name].GetProperty("queueName").GetString());
        });
        Assert.All(FunctionTriggers.Http, h =>
        {
            Assert.Equal("httpTrigger", triggers[h.Name].GetProperty("type").GetString());
            Assert.Equal(h.Route, triggers[h.Name].GetProperty("route").GetString());
        });

        // worker.config.json names a worker that is there, run by the platform's dotnet (framework-dependent).
        using JsonDocument worker = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(app, "worker.config.json")));
        JsonElement description = worker.RootElement.GetProperty("description");
        Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
        Assert.Equal("dotnet", description.GetProperty("defaultExecutablePath").GetString());
        Assert.True(File.Exists(Path.Combine(app, description.GetProperty("defaultWorkerPath").GetString()!)));
        Assert.True(File.Exists(Path.Combine(app, "Alerts.Functions.runtimeconfig.json")));
        Assert.False(File.Exists(Path.Combine(app, "libcoreclr.so")), "published self-contained; Flex's dotnet-isolated 10.0 brings .NET");

        // The host's extensions for the queue trigger are there; local-only settings are not.
        Assert.Contains("AzureStorageQueues", await File.ReadAllTextAsync(Path.Combine(app, "extensions.json")), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(app, "appsettings.Development.json")));
        Assert.False(File.Exists(Path.Combine(app, "local.settings.json")));
        Assert.False(File.Exists(Path.Combine(app, "local.settings.example.json")));

        using ZipArchive zip = ZipFile.OpenRead(Path.Combine(_output, "alerts-functionapp.zip"));
        string[] entries = [.. zip.Entries.Select(e => e.FullName)];
        Assert.All(["host.json", "functions.metadata", "worker.config.json", "extensions.json", "Alerts.Functions.dll"], f => Assert.Contains(f, entries));
    }
}
