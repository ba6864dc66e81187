namespace Alerts.Campaigns;

internal static class CampaignsRegistration
{
    /// <summary>Campaigns: drafts, approval, state changes, previews and reports.</summary>
    public static IHostApplicationBuilder AddCampaigns(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CampaignStore>();
        builder.Services.AddSingleton<CampaignTransitions>();
        builder.Services.AddSingleton<CampaignActions>();
        builder.Services.AddSingleton<CampaignPreviews>();
        builder.Services.AddSingleton<CampaignReports>();
        return builder;
    }
}
