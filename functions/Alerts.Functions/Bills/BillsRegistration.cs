using System.Net;
using Microsoft.Extensions.Options;

namespace Alerts.Bills;

internal static class BillsRegistration
{
    public static IHostApplicationBuilder AddBills(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ParliamentOptions>()
            .BindConfiguration(ParliamentOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddHttpClient<ParliamentBillsClient>((services, http) =>
            {
                http.BaseAddress = services.GetRequiredService<IOptions<ParliamentOptions>>().Value.BillsBaseAddress;
                http.DefaultRequestHeaders.UserAgent.ParseAdd("Alerts/1.0 (bill watcher for UK charities; +https://github.com/alerts-uk/alerts)");
                http.DefaultRequestVersion = HttpVersion.Version11;
            })
            // GETs only, so retrying 5xx and timeouts is safe. Tunable under Parliament:Resilience.
            .AddStandardResilienceHandler(resilience =>
                builder.Configuration.GetSection(ParliamentOptions.SectionName + ":Resilience").Bind(resilience));

        builder.Services.AddSingleton<BillStore>();
        builder.Services.AddSingleton<BillWatcher>();
        builder.Services.AddExceptionHandler<ParliamentUnavailableHandler>();
        return builder;
    }
}
