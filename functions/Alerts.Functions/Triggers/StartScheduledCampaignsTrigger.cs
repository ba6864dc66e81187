using Alerts.Campaigns;
using Alerts.Hosting;

namespace Alerts.Triggers;

internal static class StartScheduledCampaignsTrigger
{
    public const string FunctionName = "StartScheduledCampaigns";

    public static IEndpointRouteBuilder MapStartScheduledCampaignsTrigger(this IEndpointRouteBuilder app) =>
        app.MapInvocation(FunctionName, StartAsync);

    private static async Task<InvocationResult> StartAsync(
        InvocationRequest invocation, FunctionDefinition function, IServiceProvider services, CancellationToken cancellationToken)
    {
        CampaignActions campaigns = services.GetRequiredService<CampaignActions>();
        int started = await campaigns.StartDueAsync(cancellationToken);
        int resumed = await campaigns.ResumeStalledAsync(cancellationToken);
        return InvocationResult.WithLogs($"Started {started} scheduled campaigns; resumed the plans of {resumed} that had stalled.");
    }
}
