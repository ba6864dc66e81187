using Alerts.Bills;
using Alerts.Campaigns;
using Alerts.StaffConsole.Pages;

namespace Alerts.StaffConsole;

/// <summary>What the home page shows: the watch list, what Parliament did lately, and campaigns needing someone.</summary>
public sealed record HomeModel(
    IReadOnlyList<WatchedBillResponse> Bills, IReadOnlyList<BillEventResponse> Events,
    IReadOnlyList<CampaignResponse> AwaitingApproval, IReadOnlyList<(CampaignResponse Campaign, CampaignReport? Report)> Recent);

internal static class HomePages
{
    public static RouteGroupBuilder MapHomePage(this RouteGroupBuilder console)
    {
        console.MapGet("/", ShowAsync);
        return console;
    }

    private static async Task<IResult> ShowAsync(
        HttpContext http, BillStore bills, CampaignStore campaigns, CampaignReports reports, TimeProvider time, CancellationToken cancellationToken)
    {
        var watched = (await bills.ListWatchedAsync(cancellationToken)).OrderByDescending(b => b.LastChangeAt).Select(BillsApi.ToResponse).ToList();
        var events = (await bills.ListRecentEventsAsync(time.GetUtcNow().AddDays(-14), 10, cancellationToken)).Select(BillsApi.ToResponse).ToList();
        var all = (await campaigns.ListAsync(cancellationToken: cancellationToken)).OrderByDescending(c => c.UpdatedAt).ToList();
        var recent = new List<(CampaignResponse, CampaignReport?)>();
        // The last few that went out, each with its delivery summary (one read of its ledger each).
        foreach (Campaign campaign in all.Where(c => c.State is not (CampaignState.Draft or CampaignState.Approved)).Take(5))
        {
            recent.Add((CampaignsApi.ToResponse(campaign), await reports.ReportAsync(campaign.Id, cancellationToken)));
        }

        return ConsolePage.Show<HomePage>(new
        {
            User = ConsoleUser.From(http.User),
            Model = new HomeModel(watched, events, [.. all.Where(c => c.State == CampaignState.Draft).Select(CampaignsApi.ToResponse)], recent),
        });
    }
}
