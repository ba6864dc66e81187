using Alerts.Campaigns;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Triggers;

/// <summary>
/// Starts scheduled campaigns that are due, and picks up sending campaigns a crash left behind (every
/// minute by default, <c>StartScheduledCampaigns:Schedule</c>).
/// </summary>
internal sealed partial class StartScheduledCampaignsFunction(CampaignActions campaigns, ILogger<StartScheduledCampaignsFunction> logger) : ITimerFunction
{
    public const string Name = "StartScheduledCampaigns";

    [Function(Name)]
    public async Task RunAsync([TimerTrigger("%StartScheduledCampaigns:Schedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        string summary = await RunOnceAsync(cancellationToken);
        LogRun(logger, summary);
    }

    public async Task<string> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        int started = await campaigns.StartDueAsync(cancellationToken);
        int resumed = await campaigns.ResumeStalledAsync(cancellationToken);
        return $"Started {started} scheduled campaigns; resumed the plans of {resumed} that had stalled.";
    }

    [LoggerMessage(EventId = 1302, Level = LogLevel.Information, Message = "StartScheduledCampaigns: {Summary}")]
    private static partial void LogRun(ILogger logger, string summary);
}
