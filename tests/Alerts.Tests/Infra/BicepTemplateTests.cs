using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace Alerts.Infra;

/// <summary>The templates in infra/ compile and lint clean with the Bicep CLI (from its NuGet package), so a broken template fails the build.</summary>
public sealed class BicepTemplateTests
{
    private static readonly string Infra = Path.Combine(RepoPaths.Root, "infra");

    private static string BicepCli()
    {
        string folder = typeof(BicepTemplateTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepCliFolder").Value!;
        string cli = Path.Combine(folder, "tools", "bicep");
        Assert.True(File.Exists(cli), $"The Bicep CLI is not at {cli}: restore the test project (it downloads Azure.Bicep.CommandLine.linux-x64).");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(cli, File.GetUnixFileMode(cli) | UnixFileMode.UserExecute);
        }

        return cli;
    }

    private static (int ExitCode, string Output) Run(params string[] args)
    {
        var start = new ProcessStartInfo(BicepCli()) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Infra };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using Process bicep = Process.Start(start)!;
        Task<string> stdout = bicep.StandardOutput.ReadToEndAsync();
        string stderr = bicep.StandardError.ReadToEnd();
        bicep.WaitForExit();
        return (bicep.ExitCode, stdout.Result + stderr);
    }

    public static TheoryData<string> Templates() =>
        new(Directory.GetFiles(Infra, "*.bicep", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Infra, f)));

    [Theory]
    [MemberData(nameof(Templates))]
    public void Template_LintsClean(string template)
    {
        (int exitCode, string output) = Run("lint", template);

        Assert.True(exitCode == 0 && output.Trim().Length == 0, $"bicep lint {template}:\n{output}");
    }

    [Fact]
    public void Main_Compiles_AndTheParametersFileMatchesItsParameters()
    {
        (int exitCode, string output) = Run("build", "main.bicep", "--stdout");
        Assert.True(exitCode == 0, output);

        using JsonDocument arm = JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..]);
        var declared = arm.RootElement.GetProperty("parameters").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.TryGetProperty("defaultValue", out _));
        using JsonDocument parameters = JsonDocument.Parse(File.ReadAllText(Path.Combine(Infra, "main.parameters.json")));
        string[] given = parameters.RootElement.GetProperty("parameters").EnumerateObject().Select(p => p.Name).ToArray();

        Assert.All(given, p => Assert.True(declared.ContainsKey(p), $"main.parameters.json sets '{p}', which main.bicep does not declare"));
        Assert.All(declared.Where(d => !d.Value), d => Assert.Contains(d.Key, given));
    }

    [Fact]
    public void Secrets_AreKeyVaultReferences_NeverValues()
    {
        string app = File.ReadAllText(Path.Combine(Infra, "modules", "functionapp.bicep"));
        string[] secretSettings = ["SendGrid__ApiKey", "Twilio__AuthToken", "Webhooks__SendGridPublicKey", "Alerting__UnsubscribeSigningKey", "Supporters__HashKey"];

        Assert.All(secretSettings, setting =>
            Assert.Matches($@"name: '{setting}', value: '\$\{{kv\}}[a-z-]+\)'", app));
        string parameters = File.ReadAllText(Path.Combine(Infra, "main.parameters.json"));
        Assert.DoesNotMatch("(?i)(secret|token|apikey|password|AccountKey)\"\\s*:", parameters);
    }
}
