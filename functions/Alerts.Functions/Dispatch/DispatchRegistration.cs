namespace Alerts.Dispatch;

internal static class DispatchRegistration
{
    /// <summary>From a sending campaign to sent messages: plan, batches on the queue, the ledger.</summary>
    public static IHostApplicationBuilder AddDispatch(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DispatchQueue>();
        builder.Services.AddSingleton<BatchStore>();
        builder.Services.AddSingleton<DeliveryLedger>();
        builder.Services.AddSingleton<QuietHours>();
        builder.Services.AddSingleton<CampaignCompletion>();
        builder.Services.AddSingleton<CampaignPlanner>();
        builder.Services.AddSingleton<BatchDispatcher>();
        return builder;
    }
}
