namespace Alerts.Alerting;

internal static class AlertingRegistration
{
    public static IHostApplicationBuilder AddAlerting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<BatchDispatcher>();
        return builder;
    }
}
