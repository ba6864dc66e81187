using Microsoft.Extensions.Options;

namespace Alerts.Webhooks;

internal static class WebhooksRegistration
{
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>();
        builder.Services.AddAnonymousRateLimits();
        builder.Services.AddSingleton<OptOuts>();
        builder.Services.AddSingleton<ProviderEvents>();
        return builder;
    }
}
