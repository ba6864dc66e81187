using Alerts.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alerts.Triggers;

/// <summary>Handles one invocation of a non-HTTP function. Throws to fail the invocation.</summary>
internal delegate Task<InvocationResult> InvocationHandler(
    InvocationRequest invocation, FunctionDefinition function, IServiceProvider services, CancellationToken cancellationToken);

/// <summary>
/// The non-HTTP functions this handler implements, by function name. The Functions host reaches them
/// through <c>POST /{FunctionName}</c>; the local trigger runner calls them directly with the same envelope.
/// </summary>
internal sealed partial class FunctionInvocations(FunctionCatalog catalog, ILogger<FunctionInvocations> logger)
{
    private readonly Dictionary<string, InvocationHandler> _handlers = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> FunctionNames => _handlers.Keys;

    public void Add(string functionName, InvocationHandler handler)
    {
        // Fail at start-up, not at the first invocation, when a handler has no function.json.
        _ = catalog.Get(functionName);
        _handlers.Add(functionName, handler);
    }

    public async Task<InvocationOutcome> InvokeAsync(
        string functionName, InvocationRequest invocation, IServiceProvider services, CancellationToken cancellationToken = default)
    {
        InvocationHandler handler = _handlers[functionName];
        try
        {
            return new InvocationOutcome(true, await handler(invocation, catalog.Get(functionName), services, cancellationToken));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A failed invocation is reported to the host as non-2xx, so it records the failure and a queue
            // message is retried and eventually poisoned. The message is ours; exceptions never carry PII.
            // The full exception goes to our own log. The host's log line carries the message only of our own
            // exceptions, written to be read; a storage error's message carries request diagnostics instead.
            LogInvocationFailed(logger, ex, functionName);
            bool ours = ex.GetType().Namespace?.StartsWith(nameof(Alerts), StringComparison.Ordinal) == true;
            return new InvocationOutcome(false, InvocationResult.WithLogs($"{functionName} failed: {ex.GetType().Name}" + (ours ? $": {ex.Message}" : ".")));
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Invocation of {FunctionName} failed")]
    private static partial void LogInvocationFailed(ILogger logger, Exception exception, string functionName);
}

internal sealed record InvocationOutcome(bool Succeeded, InvocationResult Result);

internal static class FunctionInvocationEndpoints
{
    /// <summary>
    /// Registers the handler for the local runner and, only under the Functions host, maps <c>POST /{functionName}</c>
    /// for it to call. Standalone nothing but the runner may invoke a function: an invocation endpoint would let
    /// anyone start a bill check or a batch.
    /// </summary>
    public static IEndpointRouteBuilder MapInvocation(
        this IEndpointRouteBuilder app, string functionName, InvocationHandler handler)
    {
        app.ServiceProvider.GetRequiredService<FunctionInvocations>().Add(functionName, handler);
        if (!string.IsNullOrEmpty(app.ServiceProvider.GetRequiredService<IConfiguration>()[CustomHandlerHosting.PortVariable]))
        {
            app.MapPost("/" + functionName, InvokeAsync).WithName(functionName).ExcludeFromDescription();
        }

        return app;

        async Task<Results<Ok<InvocationResult>, JsonHttpResult<InvocationResult>>> InvokeAsync(
            InvocationRequest invocation, FunctionInvocations invocations, HttpContext context, CancellationToken cancellationToken)
        {
            InvocationOutcome outcome = await invocations.InvokeAsync(functionName, invocation, context.RequestServices, cancellationToken);
            return outcome.Succeeded
                ? TypedResults.Ok(outcome.Result)
                : TypedResults.Json(outcome.Result, statusCode: StatusCodes.Status500InternalServerError);
        }
    }
}
