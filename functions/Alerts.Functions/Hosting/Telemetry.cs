using System.Diagnostics.Metrics;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

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

    public void Dispose() => _meter.Dispose();
}

internal static class TelemetryRegistration
{
    /// <summary>
    /// OpenTelemetry traces, metrics and logs; exported to Azure Monitor when APPLICATIONINSIGHTS_CONNECTION_STRING
    /// is set (with the managed identity when the resource has local auth off). Logs never carry addresses or
    /// message bodies: the app logs supporter ids only (a test checks a whole campaign's output).
    /// </summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AlertsMetrics>();

        // An unsubscribe URL is a secret (its token opts the supporter out), so nothing logs request paths:
        // not the request log lines nor the scope the hosting layer wraps every log of a request in, not the
        // route matcher's debug lines. Outgoing request logs carry postcodes. Traces keep the route template (below).
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Information);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        string? connectionString = builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        bool export = !string.IsNullOrWhiteSpace(connectionString);
        string? clientId = builder.Configuration["AZURE_CLIENT_ID"];
        void Configure(AzureMonitorExporterOptions options)
        {
            options.ConnectionString = connectionString;
            if (builder.Configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] is { Length: > 0 })
            {
                options.Credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
            }
        }

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(AlertsMetrics.MeterName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (export)
                {
                    metrics.AddAzureMonitorMetricExporter(Configure);
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.EnrichWithHttpRequest = (activity, request) =>
                    {
                        if (request.Path.StartsWithSegments("/api/unsubscribe"))
                        {
                            activity.SetTag("url.path", "/api/unsubscribe/{token}");
                        }
                    })
                    .AddHttpClientInstrumentation();
                if (export)
                {
                    tracing.AddAzureMonitorTraceExporter(Configure);
                }
            });
        if (export)
        {
            builder.Logging.AddOpenTelemetry(logging => logging.AddAzureMonitorLogExporter(Configure));
        }

        return builder;
    }
}
