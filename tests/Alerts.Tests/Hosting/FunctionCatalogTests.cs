using Cronos;

namespace Alerts.Hosting;

public sealed class FunctionCatalogTests
{
    private static readonly FunctionCatalog Catalog = new(AppContext.BaseDirectory);

    [Fact]
    public void Functions_ComeFromTheFunctionJsonFilesCopiedBesideTheApp()
    {
        string[] inRepo = Directory.GetDirectories(RepoPaths.FunctionsFolder)
            .Where(d => File.Exists(Path.Combine(d, "function.json")))
            .Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

        Assert.Equal(inRepo, Catalog.Functions.Select(f => f.Name));
    }

    [Fact]
    public void WatchBills_IsATimerWithAValidUtcSchedule()
    {
        FunctionDefinition watch = Catalog.Get("WatchBills");

        Assert.Equal(TriggerKind.Timer, watch.Trigger);
        CronExpression schedule = CronExpression.Parse(watch.Schedule!, CronFormat.IncludeSeconds);
        Assert.NotNull(schedule.GetNextOccurrence(DateTime.UtcNow));
    }

    [Fact]
    public void DispatchBatch_ListensOnTheDispatchQueue()
    {
        FunctionDefinition dispatch = Catalog.Get("DispatchBatch");

        Assert.Equal(TriggerKind.Queue, dispatch.Trigger);
        Assert.Equal("dispatch", dispatch.QueueName);
        Assert.Equal("batch", dispatch.BindingName);
    }

    [Fact]
    public void StaffApi_RequiresAFunctionKeyAndWebhooksDoNot()
    {
        Assert.Equal("function", Catalog.Get("StaffApi").AuthLevel);
        Assert.All(Catalog.Functions.Where(f => f.Trigger == TriggerKind.Http && f.Name != "StaffApi"),
            f => Assert.Equal("anonymous", f.AuthLevel));
    }

    [Fact]
    public void Queues_ReadsHostJsonSettings()
    {
        Assert.Equal(5, Catalog.Queues.MaxDequeueCount);
        Assert.Equal(TimeSpan.FromSeconds(30), Catalog.Queues.VisibilityTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), Catalog.Queues.MaxPollingInterval);
    }

    [Fact]
    public void Get_UnknownFunction_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => Catalog.Get("NoSuchFunction"));
    }
}
