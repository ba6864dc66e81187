using Alerts.Rules;
using Alerts.Audit;
using Alerts.Bills;
using Alerts.Campaigns;
using Alerts.Divisions;
using Alerts.Security;
using Alerts.Segments;
using Alerts.Supporters;

namespace Alerts.Api;

/// <summary>The staff API, fronted by the StaffApi function (function keys) at /api/v1.</summary>
internal static class StaffApi
{
    public static RouteGroupBuilder MapStaffApi(this IEndpointRouteBuilder app)
    {
        // Ids are checked before the audit filter, so a malformed one is refused without being written anywhere.
        RouteGroupBuilder api = app.MapGroup("/api/v1").WithTags("Staff").RequireStaffScopes().ValidateRouteIds().AuditStaffChanges();
        api.MapBillsApi();
        api.MapDivisionsApi();
        api.MapSupportersApi();
        api.MapSegmentsApi();
        api.MapAlertRulesApi();
        api.MapCampaignsApi();
        api.MapAuditApi();
        return api;
    }
}
