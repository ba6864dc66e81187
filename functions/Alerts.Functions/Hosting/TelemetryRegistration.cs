using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Alerts.Hosting;

internal static class TelemetryRegistration
{
    /// <summary>
    /// OpenTelemetry traces, metrics and logs; exported to Azure Monitor when APPLICATIONINSIGHTS_CONNECTION_STRING
    /// is set (with the managed identity when the resource has local auth off). Logs never carry addresses or
    /// message bodies: the app logs supporter ids only (a test checks a whole campaign's output). Under the
    /// Functions host the worker's defaults add the function-app resource and invocation traces, and tell the
    /// host not to emit the worker's telemetry a second time (host.json's telemetryMode is OpenTelemetry).
    /// </summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder, HostingMode hosting)
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

        IOpenTelemetryBuilder telemetry = builder.Services.AddOpenTelemetry();
        if (hosting.UnderFunctionsHost)
        {
            telemetry.UseFunctionsWorkerDefaults();
        }

        telemetry
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
