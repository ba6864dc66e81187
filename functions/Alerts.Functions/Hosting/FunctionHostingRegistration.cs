using Alerts.Triggers;

namespace Alerts.Hosting;

internal static class FunctionHostingRegistration
{
    public static IHostApplicationBuilder AddFunctionHosting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(_ => new FunctionCatalog(
            builder.Configuration["Functions:AppRoot"] is { Length: > 0 } root ? root : FunctionCatalog.DefaultAppRoot()));
        builder.Services.AddSingleton<FunctionInvocations>();
        builder.Services.AddHostedService<LocalTriggerRunner>();
        return builder;
    }
}
