using Alerts.Bills;
using Alerts.Campaigns;
using Alerts.Dispatch;
using Alerts.Messages;
using Alerts.Rules;
using Alerts.Supporters;
using Microsoft.Extensions.Options;

namespace Alerts.Channels;

internal static partial class AlertingRegistration
{
    public static IHostApplicationBuilder AddAlerting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AlertingOptions>().BindConfiguration(AlertingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<SendGridOptions>().BindConfiguration(SendGridOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<TwilioOptions>().BindConfiguration(TwilioOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<AlertingOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<AlertingOptions>>(s => s.GetRequiredService<AlertingOptionsValidator>());
        builder.Services.AddSingleton<IValidateOptions<TwilioOptions>>(s => s.GetRequiredService<AlertingOptionsValidator>());
        builder.Services.AddSingleton<IValidateOptions<SendGridOptions>>(s => s.GetRequiredService<AlertingOptionsValidator>());

        // Send POSTs get no resilience handler: it would retry timeouts and 5xx, i.e. send twice. Their pools
        // drop idle connections before a provider would, and a request not written to the end counts as not sent.
        builder.Services.AddTransient<WriteTrackingHandler>();
        builder.Services.AddHttpClient<SendGridEmailChannel>((services, http) =>
                http.Timeout = services.GetRequiredService<IOptions<SendGridOptions>>().Value.RequestTimeout)
            .ConfigurePrimaryHttpMessageHandler(services => ProviderConnections(services.GetRequiredService<IOptions<SendGridOptions>>().Value.ConnectionIdleTimeout))
            .AddHttpMessageHandler<WriteTrackingHandler>();
        builder.Services.AddHttpClient<TwilioSmsClient>((services, http) =>
            {
                TwilioOptions twilio = services.GetRequiredService<IOptions<TwilioOptions>>().Value;
                http.BaseAddress = twilio.BaseAddress;
                http.Timeout = twilio.RequestTimeout;
            })
            .ConfigurePrimaryHttpMessageHandler(services => ProviderConnections(services.GetRequiredService<IOptions<TwilioOptions>>().Value.ConnectionIdleTimeout))
            .AddHttpMessageHandler<WriteTrackingHandler>();
        builder.Services.AddSingleton<SmsRateLimiter>();
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

        builder.Services.AddSingleton<UnsubscribeLinks>();
        builder.Services.AddSingleton<MessageRenderer>();
        builder.Services.AddSingleton<QuietHours>();
        builder.Services.AddSingleton<CampaignStore>();
        builder.Services.AddSingleton<DeliveryLedger>();
        builder.Services.AddSingleton<DispatchQueue>();
        builder.Services.AddSingleton<CampaignPlanner>();
        builder.Services.AddSingleton<BatchDispatcher>();
        builder.Services.AddSingleton<CampaignService>();
        builder.Services.AddSingleton<AlertRuleStore>();
        builder.Services.AddSingleton<IBillEventSubscriber, AlertRuleSubscriber>();
        return builder;
    }

    private static SocketsHttpHandler ProviderConnections(TimeSpan idleTimeout) => new()
    {
        PooledConnectionIdleTimeout = idleTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5), // and pick up DNS changes
    };

    /// <summary>Says at start-up where messages will go, so nobody mistakes the outbox for real sending.</summary>
    private sealed partial class ChannelAnnouncer(IEnumerable<IAlertChannel> channels, ILogger<ChannelAnnouncer> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            foreach (IAlertChannel channel in channels)
            {
                if (channel is OutboxChannel)
                {
                    LogOutbox(logger, channel.Kind);
                }
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(EventId = 5601, Level = LogLevel.Warning, Message = "No {Channel} provider is configured: {Channel} messages go to the local outbox (GET /api/v1/campaigns/{{id}}/outbox), not to supporters")]
        private static partial void LogOutbox(ILogger logger, Channel channel);
    }
}
