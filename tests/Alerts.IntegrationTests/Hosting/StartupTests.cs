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

    [Fact]
    public async Task Start_WithoutTheHashKey_Refuses()
    {
        (int exitCode, string output) = await RunAppAsync(("AzureWebJobsStorage", "UseDevelopmentStorage=true"), ("Supporters__HashKey", ""));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("HashKey", output, StringComparison.Ordinal);
    }

    /// <summary>Runs the built app as its own process, as the Functions host would, and collects what it says as it exits.</summary>
    private static async Task<(int ExitCode, string Output)> RunAppAsync(params (string Name, string Value)[] settings)
    {
        string appDll = Path.Combine(AppContext.BaseDirectory.Replace("Alerts.IntegrationTests", "Alerts.Functions", StringComparison.Ordinal), "Alerts.Functions.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(appDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Supporters__HashKey"] = Convert.ToBase64String(new byte[32]);
        start.Environment["Triggers__RunLocally"] = "false";
        foreach ((string name, string value) in settings)
        {
            start.Environment[name] = value;
        }

        using var process = System.Diagnostics.Process.Start(start)!;
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

    [Fact]
    public async Task Health_WhenStorageIsReachable_IsHealthy()
    {
        await using AlertsAppFactory app = await AlertsAppFactory.CreateAsync();

        HttpResponseMessage response = await app.CreateClient().GetAsync(new Uri("/api/health", UriKind.Relative));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"reachable\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
