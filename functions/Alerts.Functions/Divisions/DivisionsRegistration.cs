using System.Net;
using Microsoft.Extensions.Options;

namespace Alerts.Divisions;

internal static class DivisionsRegistration
{
    private const string UserAgent = "Alerts/1.0 (division watcher for UK charities; +https://github.com/alerts-uk/alerts)";

    /// <summary>Commons and Lords divisions: watched, linked by staff to watched bills, and announced as bill events.</summary>
    public static IHostApplicationBuilder AddDivisions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<VotesOptions>()
            .BindConfiguration(VotesOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        AddVotesClient<CommonsVotesClient>(builder, o => o.CommonsBaseAddress);
        AddVotesClient<LordsVotesClient>(builder, o => o.LordsBaseAddress);
        builder.Services.AddSingleton<DivisionStore>();
        builder.Services.AddSingleton<DivisionLinks>();
        builder.Services.AddSingleton<DivisionWatcher>();
        return builder;
    }

    private static void AddVotesClient<TClient>(IHostApplicationBuilder builder, Func<VotesOptions, Uri> baseAddress)
        where TClient : class =>
        builder.Services.AddHttpClient<TClient>((services, http) =>
            {
                http.BaseAddress = baseAddress(services.GetRequiredService<IOptions<VotesOptions>>().Value);
                http.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
                http.DefaultRequestVersion = HttpVersion.Version11;
            })
            // GETs only, so retrying 5xx (the Lords documents 503 "Temporary error") and timeouts is safe. Tunable under Votes:Resilience.
            .AddStandardResilienceHandler(resilience =>
                builder.Configuration.GetSection(VotesOptions.SectionName + ":Resilience").Bind(resilience));
}
