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
            .AddStandardResilienceHandler(resilience => builder.Configuration.GetSection("Supporters:Resilience").Bind(resilience));
        builder.Services.AddHttpClient<MembersClient>((services, http) =>
                http.BaseAddress = services.GetRequiredService<IOptions<SupportersOptions>>().Value.MembersBaseAddress)
            .AddStandardResilienceHandler(resilience => builder.Configuration.GetSection("Supporters:Resilience").Bind(resilience));

        builder.Services.AddMemoryCache(cache => cache.SizeLimit = 20_000);
        builder.Services.AddSingleton<ContactHasher>();
        builder.Services.AddSingleton<SupporterStore>();
        builder.Services.AddSingleton<ConstituencyLookup>();
        builder.Services.AddSingleton<SupporterDirectory>();
        builder.Services.AddSingleton<SupporterImporter>();
        builder.Services.AddSingleton<SegmentStore>();
        builder.Services.AddSingleton<SegmentEvaluator>();
        return builder;
    }
}
