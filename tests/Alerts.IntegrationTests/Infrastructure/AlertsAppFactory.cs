using Alerts.Triggers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Infrastructure;

/// <summary>
/// The app against the shared Azurite, with a fresh table and queue prefix so each factory starts empty.
/// The local trigger runner is off unless a test turns it on; tests run the functions themselves (<see cref="InvokeAsync"/>).
/// </summary>
public sealed class AlertsAppFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings = new(StringComparer.Ordinal);
    private readonly List<Action<IServiceCollection>> _services = [];

    private AlertsAppFactory(AlertsAppFactory previous)
    {
        NamePrefix = previous.NamePrefix;
        StorageConnectionString = previous.StorageConnectionString;
        _settings = new Dictionary<string, string?>(previous._settings, StringComparer.Ordinal);
        _services = [.. previous._services];
        Time = previous.Time;
        ClientScopes = previous.ClientScopes;
    }

    private AlertsAppFactory(string connectionString)
    {
        NamePrefix = "t" + Guid.NewGuid().ToString("N")[..12];
        StorageConnectionString = connectionString;
        _settings["AzureWebJobsStorage"] = connectionString;
        _settings["Storage:NamePrefix"] = NamePrefix;
        _settings["Triggers:RunLocally"] = "false";
        _settings["Supporters:HashKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        // Loopback addresses nothing listens on: a test that needs postcodes.io or the Members API starts a fake.
        _settings["Alerting:CharityName"] = "Refugee Rights Test";
        _settings["Alerting:PublicBaseUrl"] = "https://alerts.example.org/";
        _settings["Alerting:FromEmail"] = "alerts@example.org";
        _settings["Alerting:UnsubscribeSigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        _settings["Parliament:BillsBaseAddress"] = "http://127.0.0.1:9/api/v1/";
        _settings["Supporters:PostcodesBaseAddress"] = "http://127.0.0.1:9/";
        _settings["Supporters:MembersBaseAddress"] = "http://127.0.0.1:9/api/";
        _settings["Supporters:Resilience:Retry:MaxRetryAttempts"] = "1";
        _settings["Supporters:Resilience:Retry:Delay"] = "00:00:00.050";
    }

    public string NamePrefix { get; }

    public string StorageConnectionString { get; }

    public FakeTimeProvider? Time { get; private set; }

    public static async Task<AlertsAppFactory> CreateAsync() => new((await AzuriteServer.GetAsync()).ConnectionString);

    /// <summary>The same app on the same storage, as a restarted process would be (dispose this one first).</summary>
    public AlertsAppFactory Restarted() => new(this);

    public AlertsAppFactory WithSetting(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    public AlertsAppFactory WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    public AlertsAppFactory WithFakeTime(DateTimeOffset start)
    {
        Time = new FakeTimeProvider(start);
        return WithServices(services => services.AddSingleton<TimeProvider>(Time));
    }

    /// <summary>Scopes of the key every client made by <c>CreateClient</c> carries; tests of authorisation make their own.</summary>
    public IReadOnlyList<string> ClientScopes { get; set; } = Alerts.Security.StaffScopes.All;

    /// <summary>
    /// Runs the background import queue as the host would: each message in turn (a run queues the next),
    /// until the queue is empty; a run that fails stops it with its log. Returns how many runs there were.
    /// </summary>
    internal async Task<int> RunImportsAsync()
    {
        var queue = new Azure.Storage.Queues.QueueClient(StorageConnectionString, NamePrefix + "imports",
            new Azure.Storage.Queues.QueueClientOptions { MessageEncoding = Azure.Storage.Queues.QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();
        int runs = 0;
        while ((await queue.ReceiveMessagesAsync(1)).Value is [var message])
        {
            FunctionRun run = await InvokeAsync("ImportSupporters", message.MessageText, (int)message.DequeueCount);
            if (!run.Succeeded)
            {
                throw new InvalidOperationException(run.Log);
            }

            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            runs++;
        }

        return runs;
    }

    /// <summary>
    /// Runs a timer or queue function in this process, as the local trigger runner does (the standalone app has
    /// no invocation endpoints): a failure is reported, as the host would record it, rather than thrown. A
    /// cancelled run still throws, as a process that dies mid-run would leave its work.
    /// </summary>
    internal async Task<FunctionRun> InvokeAsync(string function, string? queueMessage = null, int dequeueCount = 1, CancellationToken cancellationToken = default)
    {
        try
        {
            string summary = queueMessage is null
                ? await FunctionTriggers.RunTimerAsync(Services, function, cancellationToken)
                : await FunctionTriggers.HandleMessageAsync(Services, function, queueMessage, dequeueCount, cancellationToken);
            return new FunctionRun(true, summary);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new FunctionRun(false, $"{function} failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    public Task<string> CreateApiKeyAsync(params string[] scopes) =>
        Services.GetRequiredService<Alerts.Security.ApiKeyStore>().CreateAsync("test", scopes).ContinueWith(t => t.Result.Secret, TaskScheduler.Default);

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Add("X-Api-Key", CreateApiKeyAsync([.. ClientScopes]).GetAwaiter().GetResult());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach ((string key, string? value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            foreach (Action<IServiceCollection> configure in _services)
            {
                configure(services);
            }
        });
    }
}
