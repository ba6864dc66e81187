using System.Diagnostics.Metrics;

namespace Alerts.Hosting;

/// <summary>The app's own metrics: what was polled, recorded and sent, and how the providers behaved.</summary>
internal sealed class AlertsMetrics : IDisposable
{
    public const string MeterName = "Alerts";
    private readonly Meter _meter = new(MeterName);

    public AlertsMetrics()
    {
        BillsPolled = _meter.CreateCounter<long>("alerts.bills.checked", "{bill}", "Watched bills fetched from Parliament and compared with their snapshot");
        BillEventsRecorded = _meter.CreateCounter<long>("alerts.bill_events.recorded", "{event}", "Bill stage changes recorded");
        Messages = _meter.CreateCounter<long>("alerts.messages", "{message}", "Messages by channel and outcome (sent, failed, unknown, deferred, suppressed)");
        BatchDuration = _meter.CreateHistogram<double>("alerts.dispatch.batch.duration", "s", "Time to handle one dispatch batch");
        ProviderDuration = _meter.CreateHistogram<double>("alerts.provider.request.duration", "s", "SendGrid and Twilio request time, by provider and status");
        ProviderThrottled = _meter.CreateCounter<long>("alerts.provider.throttled", "{response}", "429 answers from a provider");
    }

    public Counter<long> BillsPolled { get; }

    public Counter<long> BillEventsRecorded { get; }

    public Counter<long> Messages { get; }

    public Histogram<double> BatchDuration { get; }

    public Histogram<double> ProviderDuration { get; }

    public Counter<long> ProviderThrottled { get; }

    /// <summary>One provider request: how long it took, what it answered, and a 429 counted apart.</summary>
    public void RecordProviderCall(string provider, System.Net.HttpStatusCode status, TimeSpan elapsed)
    {
        ProviderDuration.Record(elapsed.TotalSeconds, new("provider", provider), new("status", (int)status));
        if (status == System.Net.HttpStatusCode.TooManyRequests)
        {
            ProviderThrottled.Add(1, new KeyValuePair<string, object?>("provider", provider));
        }
    }

    public void Dispose() => _meter.Dispose();
}
