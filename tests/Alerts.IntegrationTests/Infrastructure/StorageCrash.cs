using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Infrastructure;

/// <summary>
/// Stops the app at a chosen step, as a crash there would: the next table write that matches fails before it
/// reaches storage, so that write and everything after it in the same operation never happen. The app talks
/// to the real Azurite through a client with this in its pipeline.
/// </summary>
public sealed class StorageCrash : HttpPipelinePolicy
{
    private Func<Request, bool>? _armed;

    /// <summary>How many writes were stopped.</summary>
    public int Crashes { get; private set; }

    /// <summary>The app's table client, through this policy.</summary>
    public AlertsAppFactory Install(AlertsAppFactory app)
    {
        var options = new TableClientOptions();
        options.AddPolicy(this, HttpPipelinePosition.PerCall);
        var client = new TableServiceClient(app.StorageConnectionString, options);
        return app.WithServices(services => services.AddSingleton(client));
    }

    /// <summary>Fails the next insert, update or merge of the app's table <paramref name="table"/> (its name without the test prefix).</summary>
    public void AtNextWriteTo(AlertsAppFactory app, string table)
    {
        string name = app.NamePrefix + table;
        _armed = request => request.Method != RequestMethod.Get && request.Method != RequestMethod.Delete
            && request.Uri.Path.Split('/').LastOrDefault() is { } last
            && (last == name || last.StartsWith(name + "(", StringComparison.Ordinal));
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Check(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Check(message);
        return ProcessNextAsync(message, pipeline);
    }

    private void Check(HttpMessage message)
    {
        if (_armed is { } matches && matches(message.Request))
        {
            _armed = null;
            Crashes++;
            throw new RequestFailedException(503, "The process stopped here (a test's crash).");
        }
    }
}
