using System.Diagnostics;
using System.Text.Json;
using NJsonSchema;

namespace Alerts.Hosting;

/// <summary>
/// host.json and every function.json must be what the Functions host accepts. host.json is checked with
/// NJsonSchema; function.json needs draft-07 semantics, which NJsonSchema does not apply to that schema,
/// so it is checked with ajv (installed by <c>npm ci</c>), as SchemaStore itself does.
/// </summary>
public sealed class FunctionSchemaTests
{
    private static readonly string SchemaFolder = RepoPaths.Fixture("schemas");

    [Fact]
    public async Task HostJson_IsValid()
    {
        JsonSchema schema = await JsonSchema.FromFileAsync(Path.Combine(SchemaFolder, "host.schema.json"));

        // SchemaStore's own host.v2.json example is not used here: NJsonSchema misreads an unrelated
        // durableTask oneOf in it. The negative test below shows the validator is not vacuous.
        Assert.Empty(schema.Validate(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "host.json"))));
    }

    [Fact]
    public async Task HostJson_WithUnknownCustomHandlerKey_IsRejected()
    {
        JsonSchema schema = await JsonSchema.FromFileAsync(Path.Combine(SchemaFolder, "host.schema.json"));
        string hostJson = (await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "host.json")))
            .Replace("\"enableProxyingHttpRequest\"", "\"enableProxying\"", StringComparison.Ordinal);

        Assert.NotEmpty(schema.Validate(hostJson));
    }

    [Fact]
    public void EveryFunctionJson_IsValid()
    {
        string[] files = Directory.GetFiles(RepoPaths.FunctionsFolder, "function.json", SearchOption.AllDirectories);
        Assert.NotEmpty(files);

        Assert.All(ValidateFunctionJson(files), result => Assert.True(result.Valid, $"{result.File}: {string.Join("; ", result.Errors)}"));
    }

    [Fact]
    public void SchemaStoreExamples_AreValid_SoTheValidatorBehavesAsDraft07()
    {
        string[] files = Directory.GetFiles(Path.Combine(SchemaFolder, "examples"), "*.function.json");

        Assert.Equal(2, files.Length);
        Assert.All(ValidateFunctionJson(files), result => Assert.True(result.Valid, result.File));
    }

    [Fact]
    public void FunctionJson_WithCapitalisedAuthLevel_IsRejected()
    {
        string bad = Path.Combine(Path.GetTempPath(), $"function-{Guid.NewGuid():N}.json");
        File.WriteAllText(bad, File.ReadAllText(Path.Combine(RepoPaths.FunctionsFolder, "StaffApi", "function.json"))
            .Replace("\"function\"", "\"Function\"", StringComparison.Ordinal));
        try
        {
            Assert.False(Assert.Single(ValidateFunctionJson([bad])).Valid);
        }
        finally
        {
            File.Delete(bad);
        }
    }

    private sealed record Result(string File, bool Valid, string[] Errors);

    private static List<Result> ValidateFunctionJson(string[] files)
    {
        string script = Path.Combine(RepoPaths.Root, "tests", "tools", "validate-function-json.mjs");
        if (!Directory.Exists(Path.Combine(RepoPaths.Root, "node_modules", "ajv")))
        {
            Assert.Fail($"ajv is not installed: run 'npm ci' in {RepoPaths.Root} (Node.js 20 or later).");
        }

        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(Path.Combine(SchemaFolder, "function.schema.json"));
        foreach (string file in files)
        {
            start.ArgumentList.Add(file);
        }

        using Process node = Process.Start(start) ?? throw new InvalidOperationException("node could not be started: install Node.js 20 or later.");
        string output = node.StandardOutput.ReadToEnd();
        string errors = node.StandardError.ReadToEnd();
        node.WaitForExit();
        Assert.True(node.ExitCode == 0, $"ajv failed: {errors}");

        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonSerializer.Deserialize<Result>(line, JsonSerializerOptions.Web)!)
            .ToList();
    }
}
