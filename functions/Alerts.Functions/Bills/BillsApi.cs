namespace Alerts.Bills;

internal static class BillsApi
{
    public static RouteGroupBuilder MapBillsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/bills", () => TypedResults.Ok(Array.Empty<object>())).WithName("ListWatchedBills");
        return api;
    }
}
