using System.Reflection;
using Alerts.Hosting;
using Cronos;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Triggers;

internal sealed record TimerFunction(string Name, string Schedule, Type Type);

internal sealed record QueueFunction(string Name, string QueueName, Type Type);

internal sealed record HttpFunction(string Name, string Route, AuthorizationLevel AuthLevel, IReadOnlyList<string> Methods);

/// <summary>
/// The functions of this app, read from their <c>[Function]</c> methods' trigger attributes: the one source of
/// schedules, queue names and routes. The Worker SDK writes functions.metadata from the same attributes for
/// the host; the local trigger runner and the tests read them here.
/// </summary>
internal static class FunctionTriggers
{
    private static readonly (string Name, MethodInfo Method)[] Declared =
    [
        .. typeof(FunctionTriggers).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance))
            .Select(method => (method.GetCustomAttribute<FunctionAttribute>()?.Name, method))
            .Where(f => f.Name is not null)
            .Select(f => (f.Name!, f.method))
            .OrderBy(f => f.Item1, StringComparer.Ordinal),
    ];

    public static IReadOnlyList<TimerFunction> Timers { get; } =
        [.. Declared.SelectMany(f => Trigger<TimerTriggerAttribute>(f.Method).Select(t => new TimerFunction(f.Name, t.Schedule, f.Method.DeclaringType!)))];

    public static IReadOnlyList<QueueFunction> Queues { get; } =
        [.. Declared.SelectMany(f => Trigger<QueueTriggerAttribute>(f.Method).Select(q => new QueueFunction(f.Name, q.QueueName, f.Method.DeclaringType!)))];

    public static IReadOnlyList<HttpFunction> Http { get; } =
        [.. Declared.SelectMany(f => Trigger<HttpTriggerAttribute>(f.Method).Select(h => new HttpFunction(f.Name, h.Route ?? f.Name, h.AuthLevel, h.Methods ?? [])))];

    public static IEnumerable<string> Names => Declared.Select(f => f.Name);

    /// <summary>A schedule as the host reads it: <c>%Setting:Name%</c> from the app's settings, else the expression itself.</summary>
    public static string ResolveSchedule(TimerFunction timer, IConfiguration configuration) =>
        timer.Schedule is ['%', .. var setting, '%']
            ? configuration[setting] is { Length: > 0 } resolved
                ? resolved
                : throw new ConfigurationException($"{SettingName(timer)} is not set: {timer.Name} needs a schedule (a cron expression such as '0 */10 * * * *').")
            : timer.Schedule;

    /// <summary>A timer's schedule, parsed as the host parses it (five or six fields, UTC); a bad one names its setting.</summary>
    public static CronExpression ParseSchedule(TimerFunction timer, IConfiguration configuration)
    {
        string expression = ResolveSchedule(timer, configuration);
        try
        {
            return CronExpression.Parse(expression, expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException)
        {
            throw new ConfigurationException($"{SettingName(timer)} is not a cron expression: '{expression}' (expected six fields, e.g. '0 */10 * * * *').");
        }
    }

    private static string SettingName(TimerFunction timer) => timer.Schedule.Trim('%').Replace(":", "__", StringComparison.Ordinal);

    /// <summary>Runs a timer function once, in a scope of its own, as the host would.</summary>
    public static async Task<string> RunTimerAsync(IServiceProvider services, string name, CancellationToken cancellationToken = default)
    {
        TimerFunction timer = Timers.Single(t => t.Name == name);
        await using AsyncServiceScope scope = services.CreateAsyncScope();
        return await ((ITimerFunction)ActivatorUtilities.CreateInstance(scope.ServiceProvider, timer.Type)).RunOnceAsync(cancellationToken);
    }

    /// <summary>Hands one message to a queue function, in a scope of its own, as the host would. Throws when it fails.</summary>
    public static async Task<string> HandleMessageAsync(
        IServiceProvider services, string name, string message, long dequeueCount, CancellationToken cancellationToken = default)
    {
        QueueFunction queue = Queues.Single(q => q.Name == name);
        await using AsyncServiceScope scope = services.CreateAsyncScope();
        return await ((IQueueFunction)ActivatorUtilities.CreateInstance(scope.ServiceProvider, queue.Type)).HandleAsync(message, dequeueCount, cancellationToken);
    }

    private static IEnumerable<T> Trigger<T>(MethodInfo method)
        where T : Attribute =>
        method.GetParameters().Select(p => p.GetCustomAttribute<T>()).OfType<T>();
}
