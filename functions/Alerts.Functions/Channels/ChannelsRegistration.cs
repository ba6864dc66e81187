using Alerts.Supporters;
using Microsoft.Extensions.Options;

namespace Alerts.Channels;

internal static class ChannelsRegistration
{
    /// <summary>SendGrid for email and Twilio for SMS when configured; the local outbox for either when not.</summary>
    public static IHostApplicationBuilder AddChannels(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SendGridOptions>().BindConfiguration(SendGridOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<TwilioOptions>().BindConfiguration(TwilioOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SendGridOptions>, SendGridOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<TwilioOptions>, TwilioOptionsValidator>();

        // Send POSTs get no resilience handler: it would retry timeouts and 5xx, i.e. send twice. Their pools
        // drop idle connections before a provider would, and a request not written to the end counts as not sent.
        builder.Services.AddTransient<WriteTrackingHandler>();
        builder.Services.AddHttpClient<SendGridEmailChannel>((services, http) =>
                http.Timeout = services.GetRequiredService<IOptions<SendGridOptions>>().Value.RequestTimeout)
            .ConfigurePrimaryHttpMessageHandler(services => ProviderConnections(services.GetRequiredService<IOptions<SendGridOptions>>().Value.ConnectionIdleTimeout))
            .AddHttpMessageHandler<WriteTrackingHandler>();
        builder.Services.AddTransient<TwilioBaseAddressHandler>();
        builder.Services.AddSingleton<SmsPacer>();
        builder.Services.AddTransient<SmsPacingHandler>();
        builder.Services.AddHttpClient<TwilioSmsClient>((services, http) =>
                http.Timeout = services.GetRequiredService<IOptions<TwilioOptions>>().Value.RequestTimeout)
            .ConfigurePrimaryHttpMessageHandler(services => ProviderConnections(services.GetRequiredService<IOptions<TwilioOptions>>().Value.ConnectionIdleTimeout))
            .AddHttpMessageHandler<TwilioBaseAddressHandler>()
            .AddHttpMessageHandler<WriteTrackingHandler>()
            .AddHttpMessageHandler<SmsPacingHandler>(); // last: the pace is kept at the wire
        builder.Services.AddTransient<TwilioSmsChannel>();

        builder.Services.AddSingleton<IAlertChannel>(services =>
            string.IsNullOrWhiteSpace(services.GetRequiredService<IOptions<SendGridOptions>>().Value.ApiKey)
                ? ActivatorUtilities.CreateInstance<OutboxChannel>(services, Channel.Email)
                : services.GetRequiredService<SendGridEmailChannel>());
        builder.Services.AddSingleton<IAlertChannel>(services =>
            services.GetRequiredService<IOptions<TwilioOptions>>().Value.IsConfigured
                ? services.GetRequiredService<TwilioSmsChannel>()
                : ActivatorUtilities.CreateInstance<OutboxChannel>(services, Channel.Sms));
        builder.Services.AddHostedService<ChannelAnnouncer>();
        return builder;
    }

    private static SocketsHttpHandler ProviderConnections(TimeSpan idleTimeout) => new()
    {
        PooledConnectionIdleTimeout = idleTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5), // and pick up DNS changes
    };
}
