using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alerts.Fakes;
using Alerts.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Bills;

/// <summary>The app pointed at a loopback Bills API, with a subscriber that records what the seam hands over.</summary>
public sealed class BillsTestApp : IAsyncDisposable
{
    private BillsTestApp(AlertsAppFactory app, FakeBillsApi parliament, RecordingSubscriber subscriber)
    {
        App = app;
        Parliament = parliament;
        Subscriber = subscriber;
        Client = app.CreateClient();
    }

    public AlertsAppFactory App { get; }

    public FakeBillsApi Parliament { get; }

    internal RecordingSubscriber Subscriber { get; }

    public HttpClient Client { get; }

    public static async Task<BillsTestApp> StartAsync(Func<AlertsAppFactory, AlertsAppFactory>? configure = null)
    {
        FakeBillsApi parliament = await FakeBillsApi.StartAsync();
        var subscriber = new RecordingSubscriber();
        AlertsAppFactory app = (await AlertsAppFactory.CreateAsync())
            .WithSetting("Parliament:BillsBaseAddress", parliament.BaseAddress.ToString())
            // Short timeouts so outage tests take seconds; the shape of the policy is the production one.
            .WithSetting("Parliament:Resilience:AttemptTimeout:Timeout", "00:00:01")
            .WithSetting("Parliament:Resilience:TotalRequestTimeout:Timeout", "00:00:04")
            .WithSetting("Parliament:Resilience:Retry:Delay", "00:00:00.050")
            .WithSetting("Parliament:Resilience:Retry:MaxRetryAttempts", "1")
            .WithServices(services => services.AddSingleton<IBillEventSubscriber>(subscriber));
        return new BillsTestApp(configure?.Invoke(app) ?? app, parliament, subscriber);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Parliament.DisposeAsync();
    }

    public async Task<HttpResponseMessage> WatchAsync(int billId) =>
        await Client.PostAsJsonAsync("/api/v1/bills", new { billId });

    /// <summary>Runs the WatchBills timer function once, as the trigger runner would.</summary>
    internal Task<FunctionRun> PollAsync() => App.InvokeAsync("WatchBills");

    public async Task<JsonArray> EventsAsync(int billId)
    {
        JsonObject page = (await Client.GetFromJsonAsync<JsonObject>($"/api/v1/bills/{billId}/events?pageSize=100"))!;
        return page["items"]!.AsArray();
    }

    public static List<string> Kinds(JsonArray events) =>
        events.Select(e => e!["kind"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();

    internal sealed class RecordingSubscriber : IBillEventSubscriber
    {
        public ConcurrentQueue<string> Received { get; } = new();

        public int FailuresToCome { get; set; }

        public Task OnBillEventAsync(BillEvent billEvent, CancellationToken cancellationToken = default)
        {
            if (FailuresToCome > 0)
            {
                FailuresToCome--;
                throw new InvalidOperationException("Subscriber failed (test).");
            }

            Received.Enqueue(billEvent.EventId);
            return Task.CompletedTask;
        }
    }
}
