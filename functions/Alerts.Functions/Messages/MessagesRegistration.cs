using Microsoft.Extensions.Options;

namespace Alerts.Messages;

internal static class MessagesRegistration
{
    /// <summary>What every message is filled from and must carry: placeholders, the charity, a way out.</summary>
    public static IHostApplicationBuilder AddMessages(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AlertingOptions>().BindConfiguration(AlertingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AlertingOptions>, AlertingOptionsValidator>();
        builder.Services.AddSingleton<UnsubscribeLinks>();
        builder.Services.AddSingleton<MessageContexts>();
        builder.Services.AddSingleton<MessageRenderer>();
        return builder;
    }
}
