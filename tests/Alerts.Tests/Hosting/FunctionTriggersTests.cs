using System.Text.Json.Nodes;
using Alerts.Triggers;
using Cronos;
using Microsoft.Extensions.Configuration;

namespace Alerts.Hosting;

/// <summary>
/// The [Function] attributes are the one source of triggers; each timer's schedule is one setting, with one
/// default (appsettings.json) that the host's settings (Bicep, local.settings.example.json) and the README
/// take from it.
/// </summary>
public sealed class FunctionTriggersTests
{
    private static readonly string AppFolder = Path.Combine(RepoPaths.FunctionsFolder, "Alerts.Functions");

    private static string SettingOf(TimerFunction timer)
    {
        Assert.Matches("^%[A-Za-z]+:Schedule%$", timer.Schedule);
        return timer.Schedule.Trim('%');
    }

    [Fact]
    public void Catalogue_HasEveryFunction_WithItsTrigger()
    {
        Assert.Equal(["EnrichPendingSupporters", "StartScheduledCampaigns", "SweepImports", "WatchBills", "WatchDivisions"], FunctionTriggers.Timers.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal([("DispatchBatch", "dispatch"), ("ImportSupporters", "imports")], FunctionTriggers.Queues.Select(q => (q.Name, q.QueueName)).Order());
        Assert.Equal(["Console", "Health", "StaffApi", "Unsubscribe", "Webhooks"], FunctionTriggers.Http.Select(h => h.Name).Order(StringComparer.Ordinal));
        Assert.Equal(Microsoft.Azure.Functions.Worker.AuthorizationLevel.Function, FunctionTriggers.Http.Single(h => h.Name == "StaffApi").AuthLevel);
        Assert.All(FunctionTriggers.Http.Where(h => h.Name != "StaffApi"), h => Assert.Equal(Microsoft.Azure.Functions.Worker.AuthorizationLevel.Anonymous, h.AuthLevel));
    }

    [Fact]
    public void EveryTimerSchedule_HasADefault_ThatIsASixFieldCronExpression()
    {
        IConfiguration appSettings = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppFolder, "appsettings.json")).Build();
        Assert.All(FunctionTriggers.Timers, timer =>
        {
            string schedule = FunctionTriggers.ResolveSchedule(timer, appSettings);
            Assert.Equal(6, schedule.Split(' ').Length);
            Assert.NotNull(CronExpression.Parse(schedule, CronFormat.IncludeSeconds).GetNextOccurrence(DateTime.UtcNow));
        });
    }

    [Fact]
    public void HostSettings_CarryTheSameSchedules()
    {
        JsonNode appSettings = JsonNode.Parse(File.ReadAllText(Path.Combine(AppFolder, "appsettings.json")))!;
        JsonNode local = JsonNode.Parse(File.ReadAllText(Path.Combine(AppFolder, "local.settings.example.json")))!["Values"]!;
        string bicep = File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "modules", "functionapp.bicep"));
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        Assert.Equal("dotnet-isolated", local["FUNCTIONS_WORKER_RUNTIME"]!.GetValue<string>());

        Assert.All(FunctionTriggers.Timers, timer =>
        {
            string[] path = SettingOf(timer).Split(':');
            string setting = string.Join("__", path);
            string expected = appSettings[path[0]]![path[1]]!.GetValue<string>();
            Assert.Equal(expected, local[setting]!.GetValue<string>());
            Assert.Contains($"{{ name: '{setting}', value: appDefaults.{path[0]}.{path[1]} }}", bicep, StringComparison.Ordinal);
            Assert.Contains($"| `{setting}` |", readme, StringComparison.Ordinal);
            Assert.Contains($"`{expected}`", readme, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void ResolveSchedule_WithoutItsSetting_NamesTheSetting()
    {
        TimerFunction watch = FunctionTriggers.Timers.Single(t => t.Name == "WatchBills");

        var ex = Assert.Throws<ConfigurationException>(() => FunctionTriggers.ResolveSchedule(watch, new ConfigurationBuilder().Build()));
        Assert.Contains("WatchBills__Schedule", ex.Message, StringComparison.Ordinal);
    }
}
