using Alerts.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Hosting;

/// <summary>Every function folder is served by the handler, and every handler route belongs to a function.</summary>
public sealed class FunctionRouteTests : IAsyncLifetime
{
    private AlertsAppFactory _app = null!;
    private List<(string Pattern, IReadOnlyList<string> Methods)> _routes = null!;
    private FunctionCatalog _catalog = null!;

    public async Task InitializeAsync()
    {
        _app = await AlertsAppFactory.CreateAsync();
        _ = _app.CreateClient();
        _catalog = _app.Services.GetRequiredService<FunctionCatalog>();
        _routes = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => ("/" + e.RoutePattern.RawText!.TrimStart('/'),
                (IReadOnlyList<string>)(e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])))
            .ToList();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public void Standalone_NoTimerOrQueueFunction_HasAnInvocationRoute()
    {
        // Only the host may invoke functions; standalone the trigger runner calls them in-process.
        Assert.All(_catalog.Functions.Where(f => f.Trigger != TriggerKind.Http),
            f => Assert.DoesNotContain(_routes, r => r.Pattern == "/" + f.Name));
    }

    [Fact]
    public async Task UnderTheHost_EveryTimerAndQueueFunction_HasAnInvocationRoute()
    {
        await using AlertsAppFactory hosted = (await AlertsAppFactory.CreateAsync()).WithSetting(CustomHandlerHosting.PortVariable, "7071");
        _ = hosted.CreateClient();
        var routes = hosted.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => ("/" + e.RoutePattern.RawText!.TrimStart('/'), e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])).ToList();

        Assert.All(_catalog.Functions.Where(f => f.Trigger != TriggerKind.Http),
            f => Assert.Contains(routes, r => r.Item1 == "/" + f.Name && r.Item2.Contains("POST")));
    }

    [Fact]
    public void EveryHttpFunction_HasAtLeastOneRouteForEachOfItsMethods()
    {
        Assert.All(_catalog.Functions.Where(f => f.Trigger == TriggerKind.Http), f =>
        {
            var served = _routes.Where(r => HttpFunctionOf(r.Pattern) == f).ToList();
            Assert.True(served.Count > 0, $"{f.Name} ({f.Route}) has no route in the handler.");
        });
    }

    [Fact]
    public void EveryHandlerRoute_BelongsToAFunction_WithAMethodItAllows()
    {
        foreach ((string pattern, IReadOnlyList<string> methods) in _routes.Where(r => r.Pattern != "/"))
        {
            if (pattern.StartsWith("/api/", StringComparison.Ordinal))
            {
                FunctionDefinition? function = HttpFunctionOf(pattern);
                Assert.True(function is not null, $"{pattern} is under /api but no HTTP function's route covers it.");
                Assert.All(methods, m => Assert.Contains(m, function!.Methods));
            }
            else
            {
                string name = pattern.TrimStart('/');
                Assert.Contains(_catalog.Functions, f => f.Name == name && f.Trigger != TriggerKind.Http);
            }
        }
    }

    /// <summary>The HTTP function whose route (under the host's default /api prefix) covers a handler route.</summary>
    private FunctionDefinition? HttpFunctionOf(string pattern) =>
        _catalog.Functions.Where(f => f.Trigger == TriggerKind.Http).FirstOrDefault(f =>
        {
            string route = "/api/" + f.Route!;
            int catchAll = route.IndexOf("{*", StringComparison.Ordinal);
            return catchAll < 0
                ? string.Equals(pattern, route, StringComparison.OrdinalIgnoreCase)
                : pattern.StartsWith(route[..catchAll], StringComparison.OrdinalIgnoreCase);
        });
}
