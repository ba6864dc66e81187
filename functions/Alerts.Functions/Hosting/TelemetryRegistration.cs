using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Alerts.Hosting;

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
