using System.Text.Json.Nodes;
using Alerts.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Api;

/// <summary>The OpenAPI document is generated from the code: every staff route is in it, with the scope it needs.</summary>
public sealed class OpenApiTests : IAsyncLifetime
{
    private AlertsAppFactory _app = null!;

    public async Task InitializeAsync() => _app = await AlertsAppFactory.CreateAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Document_ListsEveryStaffRoute_WithItsScope_AndNeedsNoKey()
    {
        HttpClient anonymous = _app.Server.CreateClient();
        JsonObject document = JsonNode.Parse(await anonymous.GetStringAsync(new Uri("/api/v1/openapi.json", UriKind.Relative)))!.AsObject();
        JsonObject paths = document["paths"]!.AsObject();

        var endpoints = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/v1/", StringComparison.Ordinal) && e.Metadata.GetOrderedMetadata<IAuthorizeData>().Count > 0)
            .ToList();
        Assert.True(endpoints.Count > 30);
        foreach (RouteEndpoint endpoint in endpoints)
        {
            // "/api/v1/campaigns/{id}" in routing is "/api/v1/campaigns/{id}" in the document; constraints are dropped.
            string path = System.Text.RegularExpressions.Regex.Replace(endpoint.RoutePattern.RawText!, @"\{(\w+)(:[^}]*)?\}", "{$1}");
            string method = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single().ToLowerInvariant();
            string scope = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>()[^1].Policy!;
            JsonNode? operation = paths[path]?[method];
            Assert.True(operation is not null, $"{method.ToUpperInvariant()} {path} is not in the document");
            Assert.Equal(scope, operation!["x-alerts-scope"]?.GetValue<string>());
            Assert.StartsWith($"Needs the {scope} scope.", operation["description"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }
}
