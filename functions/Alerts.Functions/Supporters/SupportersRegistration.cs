using Microsoft.Extensions.Options;

namespace Alerts.Supporters;

internal static class SupportersRegistration
{
    public static IHostApplicationBuilder AddSupporters(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SupportersOptions>()
            .BindConfiguration(SupportersOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SupportersOptions>, SupportersOptionsValidator>();

        builder.Services.AddHttpClient<PostcodesClient>((services, http) =>
                http.BaseAddress = services.GetRequiredService<IOptions<SupportersOptions>>().Value.PostcodesBaseAddress)
            .AddStandardResilienceHandler(resilience => LookupResilience(resilience, builder.Configuration));
        builder.Services.AddHttpClient<MembersClient>((services, http) =>
                http.BaseAddress = services.GetRequiredService<IOptions<SupportersOptions>>().Value.MembersBaseAddress)
            .AddStandardResilienceHandler(resilience => LookupResilience(resilience, builder.Configuration));

        builder.Services.AddMemoryCache(cache => cache.SizeLimit = 20_000);
        builder.Services.AddSingleton<ContactHasher>();
        builder.Services.AddSingleton<SupporterStore>();
        builder.Services.AddSingleton<SuppressionList>();
        builder.Services.AddSingleton<ConstituencyLookup>();
        builder.Services.AddSingleton<SupporterDirectory>();
        builder.Services.AddSingleton<SupporterImporter>();
        builder.Services.AddSingleton<ImportJobs>();
        return builder;
    }

    /// <summary>
    /// A look-up runs inside a staff request or an import row, and a failed one only defers the supporter to
    /// the pending sweep, so it gives up fast: one retry, five seconds in all. Tunable under Supporters:Resilience.
    /// </summary>
    private static void LookupResilience(Microsoft.Extensions.Http.Resilience.HttpStandardResilienceOptions resilience, IConfiguration configuration)
    {
        resilience.Retry.MaxRetryAttempts = 1;
        resilience.Retry.Delay = TimeSpan.FromMilliseconds(200);
        resilience.AttemptTimeout.Timeout = TimeSpan.FromSeconds(2);
        resilience.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(5);
        resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(10);
        configuration.GetSection("Supporters:Resilience").Bind(resilience);
    }
}
