using Alerts.Infrastructure;
using Alerts.Storage;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

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

    [Fact]
    public async Task Start_WithoutStorageSetting_RefusesWithAClearMessage()
    {
        await using AlertsAppFactory app = (await AlertsAppFactory.CreateAsync()).WithSetting("AzureWebJobsStorage", "");

        var error = Assert.Throws<OptionsValidationException>(() => app.CreateClient());
        Assert.Contains("set AzureWebJobsStorage", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithMalformedConnectionString_Refuses()
    {
        await using AlertsAppFactory app = (await AlertsAppFactory.CreateAsync()).WithSetting("AzureWebJobsStorage", "AccountName=x");

        var error = Assert.Throws<OptionsValidationException>(() => app.CreateClient());
        Assert.Contains("not a storage connection string", error.Message, StringComparison.Ordinal);
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
