namespace Alerts.Bills;

internal static class BillsRegistration
{
    public static IHostApplicationBuilder AddBills(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<BillWatcher>();
        return builder;
    }
}
