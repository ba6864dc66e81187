using System.Text.Json.Nodes;
using NJsonSchema;

namespace Alerts.Hosting;

/// <summary>
/// host.json must be what the Functions host accepts (SchemaStore's schema, checked with NJsonSchema). The
/// functions themselves are declared by attributes; the Worker SDK writes their metadata from them.
/// </summary>
public sealed class FunctionSchemaTests
{
    private static readonly string SchemaFolder = RepoPaths.Fixture("schemas");

    private static Task<JsonSchema> HostSchemaAsync() => JsonSchema.FromFileAsync(Path.Combine(SchemaFolder, "host.schema.json"));

    [Fact]
    public async Task HostJson_IsValid()
    {
        JsonSchema schema = await HostSchemaAsync();

        // SchemaStore's own host.v2.json example is not used here: NJsonSchema misreads an unrelated
        // durableTask oneOf in it. The negative test below shows the validator is not vacuous.
        Assert.Empty(schema.Validate(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "host.json"))));
    }

    [Fact]
    public async Task HostJson_WithAMistypedQueueSetting_IsRejected()
    {
        JsonSchema schema = await HostSchemaAsync();
        JsonNode host = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "host.json")))!;
        host["extensions"]!["queues"]!["maxDequeueCount"] = "five";

        Assert.NotEmpty(schema.Validate(host.ToJsonString()));
    }

    [Fact]
    public void HostJson_IsForTheIsolatedWorker()
    {
        JsonNode host = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")))!;

        // No custom handler, and no extension bundle: the Worker SDK builds the host's extensions (extensions.json).
        Assert.Null(host["customHandler"]);
        Assert.Null(host["extensionBundle"]);
        Assert.Equal("", host["extensions"]!["http"]!["routePrefix"]!.GetValue<string>()); // routes are the app's own paths
        Assert.Equal("OpenTelemetry", host["telemetryMode"]!.GetValue<string>());
    }
}
