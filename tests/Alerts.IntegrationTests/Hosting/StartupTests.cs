using Alerts.Infrastructure;
using Alerts.Storage;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace Alerts.Hosting;

public sealed class StartupTests
{
    [Fact]
    public async Task Start_CreatesEveryTableAndTheDispatchQueues()
    {
        await using AlertsAppFactory app = await AlertsAppFactory.CreateAsync();
        _ = app.CreateClient();

        var tables = new TableServiceClient(app.StorageConnectionString);
        var existing = new List<string>();
        await foreach (var table in tables.QueryAsync(t => t.Name.CompareTo(app.NamePrefix) >= 0))
        {
            existing.Add(table.Name);
        }

        Assert.All(AlertsStorage.TableNames, name => Assert.Contains(app.NamePrefix + name, existing));
        var queues = new QueueServiceClient(app.StorageConnectionString);
        Assert.True(await queues.GetQueueClient(app.NamePrefix + "dispatch").ExistsAsync());
        Assert.True(await queues.GetQueueClient(app.NamePrefix + "dispatch-poison").ExistsAsync());
    }

    [Theory]
    [InlineData("", "set AzureWebJobsStorage")]
    [InlineData("AccountName=x", "not a storage connection string")]
    [InlineData("@Microsoft.KeyVault(VaultName=kv;SecretName=storage)", "unresolved Key Vault reference")]
    public async Task Start_WithMissingOrMalformedStorage_RefusesWithAClearMessage(string storage, string message)
    {
        (int exitCode, string output) = await RunAppAsync(("AzureWebJobsStorage", storage));

        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Twilio__AuthToken", "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/twilio)", "Twilio__AuthToken is an unresolved Key Vault reference")]
    [InlineData("Webhooks__RequestsPerMinute", "0", "Webhooks:RequestsPerMinute")]
    [InlineData("Webhooks__MaxBodyBytes", "-1", "Webhooks:MaxBodyBytes")]
    [InlineData("Webhooks__TrustedProxies", "10.0.0.1, proxy", "Webhooks:TrustedProxies")]
    [InlineData("Entra__Authority", "not a url", "Entra:Authority")]
    [InlineData("Alerting__PublicBaseUrl", "ftp://alerts.example.org/", "Alerting:PublicBaseUrl")]
    public async Task Start_WithAWrongSetting_RefusesInOneLineNamingIt(string name, string value, string message)
    {
        (int exitCode, string output) = await RunAppAsync([.. ValidSettings(), (name, value), ("Entra__Audience", "api://alerts")]);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal); // no stack trace
    }

    [Fact]
    public async Task Help_PrintsTheCommands_WithoutStarting()
    {
        (int exitCode, string output) = await RunAppAsync(["--help"]);

        Assert.Equal(0, exitCode);
        Assert.Contains("create-api-key --name", output, StringComparison.Ordinal);
        Assert.Contains("revoke-api-key", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKeyCommand_WithoutStorage_SaysWhatIsMissingInOneLine()
    {
        (int exitCode, string output) = await RunAppAsync(["create-api-key", "--name", "Sam"], ("AzureWebJobsStorage", ""));

        Assert.NotEqual(0, exitCode);
        Assert.StartsWith("Alerts cannot start: ", output.Trim(), StringComparison.Ordinal);
        Assert.Contains("AzureWebJobsStorage", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartedFromAnotherFolder_ReadsItsOwnAppSettings()
    {
        // Development settings (appsettings.Development.json) fill everything but where Azurite is.
        AzuriteServer azurite = await AzuriteServer.GetAsync();
        var start = AppProcess([], ("ASPNETCORE_ENVIRONMENT", "Development"), ("AzureWebJobsStorage", azurite.ConnectionString),
            ("Storage__NamePrefix", "t" + Guid.NewGuid().ToString("N")[..12]));
        start.WorkingDirectory = Path.GetTempPath();
        using var process = System.Diagnostics.Process.Start(start)!;
        try
        {
            string? address = null;
            var said = new System.Text.StringBuilder();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            Task<string> errors = process.StandardError.ReadToEndAsync(timeout.Token);
            while (address is null && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                said.AppendLine(line);
                address = line.Contains("Now listening on: ", StringComparison.Ordinal) ? line[line.IndexOf("http", StringComparison.Ordinal)..].Trim() : null;
            }

            Assert.True(address is not null, $"The app did not start: {said} {(process.HasExited ? await errors : "")}");
            using var http = new HttpClient { BaseAddress = new Uri(address) };
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(new Uri("/api/health", UriKind.Relative))).StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    private static (string, string)[] ValidSettings() =>
    [
        ("AzureWebJobsStorage", "UseDevelopmentStorage=true"),
        ("Alerting__CharityName", "Refugee Rights Test"),
        ("Alerting__PublicBaseUrl", "https://alerts.example.org/"),
        ("Alerting__FromEmail", "alerts@example.org"),
        ("Alerting__UnsubscribeSigningKey", Convert.ToBase64String(new byte[32])),
    ];

    [Fact]
    public async Task Start_WithoutTheHashKey_Refuses()
    {
        (int exitCode, string output) = await RunAppAsync(("AzureWebJobsStorage", "UseDevelopmentStorage=true"), ("Supporters__HashKey", ""));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("HashKey", output, StringComparison.Ordinal);
    }

    /// <summary>Runs the built app as its own process, as the Functions host would, and collects what it says as it exits.</summary>
    private static Task<(int ExitCode, string Output)> RunAppAsync(params (string Name, string Value)[] settings) => RunAppAsync([], settings);

    private static async Task<(int ExitCode, string Output)> RunAppAsync(string[] args, params (string Name, string Value)[] settings)
    {
        using var process = System.Diagnostics.Process.Start(AppProcess(args, settings))!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("The app kept running with a bad configuration.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private static System.Diagnostics.ProcessStartInfo AppProcess(string[] args, params (string Name, string Value)[] settings)
    {
        string appDll = Path.Combine(AppContext.BaseDirectory.Replace("Alerts.IntegrationTests", "Alerts.Functions", StringComparison.Ordinal), "Alerts.Functions.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(appDll);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Supporters__HashKey"] = Convert.ToBase64String(new byte[32]);
        start.Environment["Triggers__RunLocally"] = "false";
        foreach ((string name, string value) in settings)
        {
            start.Environment[name] = value;
        }

        return start;
    }

    [Fact]
    public async Task Health_WhenStorageIsReachable_IsHealthy()
    {
        await using AlertsAppFactory app = await AlertsAppFactory.CreateAsync();

        HttpResponseMessage response = await app.CreateClient().GetAsync(new Uri("/api/health", UriKind.Relative));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"reachable\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
