using Alerts.Bills;

namespace Alerts.Rules;

internal static class RulesRegistration
{
    /// <summary>Alert rules, on the bill watcher's seam: a bill event that matches a rule makes its campaign.</summary>
    public static IHostApplicationBuilder AddRules(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AlertRuleStore>();
        builder.Services.AddSingleton<AlertRules>();
        builder.Services.AddSingleton<IBillEventSubscriber, AlertRuleSubscriber>();
        builder.Services.AddSingleton<IBillEventSubscriber, SittingReminders>(); // reminders follow their sitting, and stop with the bill
        return builder;
    }
}
