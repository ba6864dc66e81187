using Alerts.Infrastructure;
using Alerts.Triggers;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Hosting;

/// <summary>
/// The app's endpoints and the HTTP functions agree: under the host a request reaches the app only through a
/// function's route and methods, so an endpoint outside them would be unreachable in Azure.
/// </summary>
public sealed class FunctionRouteTests : IAsyncLifetime
{
    private AlertsAppFactory _app = null!;
    private List<(string Pattern, IReadOnlyList<string> Methods)> _routes = null!;

    public async Task InitializeAsync()
    {
        _app = await AlertsAppFactory.CreateAsync();
        _ = _app.CreateClient();
        _routes = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => ("/" + e.RoutePattern.RawText!.TrimStart('/'),
                (IReadOnlyList<string>)(e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])))
            .ToList();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public void Standalone_NoTimerOrQueueFunction_HasAnInvocationRoute()
    {
        // Nothing outside the process can start a run: the trigger runner calls the functions in-process.
        string[] names = [.. FunctionTriggers.Timers.Select(t => t.Name), .. FunctionTriggers.Queues.Select(q => q.Name)];
        Assert.NotEmpty(names);
        Assert.All(names, name => Assert.DoesNotContain(_routes, r => r.Pattern.Contains(name, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void EveryHttpFunction_HasAtLeastOneRoute()
    {
        Assert.NotEmpty(FunctionTriggers.Http);
        Assert.All(FunctionTriggers.Http, f =>
            Assert.True(_routes.Any(r => HttpFunctionOf(r.Pattern) == f), $"{f.Name} ({f.Route}) serves no endpoint of the app."));
    }

    [Fact]
    public void EveryAppRoute_BelongsToAnHttpFunction_WithAMethodItAllows()
    {
        foreach ((string pattern, IReadOnlyList<string> methods) in _routes.Where(r => r.Pattern != "/"))
        {
            HttpFunction? function = HttpFunctionOf(pattern);
            Assert.True(function is not null, $"No HTTP function's route covers {pattern}: under the host it would answer 404.");
            Assert.All(methods, m => Assert.Contains(m, function!.Methods, StringComparer.OrdinalIgnoreCase));
        }
    }

    /// <summary>The HTTP function whose route covers an app route (host.json's route prefix is empty: routes are paths).</summary>
    private static HttpFunction? HttpFunctionOf(string pattern) =>
        FunctionTriggers.Http.FirstOrDefault(f =>
        {
            string route = "/" + f.Route;
            int catchAll = route.IndexOf("{*", StringComparison.Ordinal);
            return catchAll < 0
                ? string.Equals(pattern, route, StringComparison.OrdinalIgnoreCase)
                : pattern.StartsWith(route[..catchAll], StringComparison.OrdinalIgnoreCase);
        });
}
