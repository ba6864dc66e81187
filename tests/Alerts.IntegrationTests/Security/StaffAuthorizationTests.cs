using System.Net;
using Alerts.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Security;

/// <summary>
/// The authorisation matrix for every staff endpoint, generated from the route table so that an endpoint
/// added later is covered without editing this test: no key → 401, revoked key → 401, a key without the
/// endpoint's scope → 403.
/// </summary>
public sealed class StaffAuthorizationTests : IAsyncLifetime
{
    private AlertsAppFactory _app = null!;
    private HttpClient _anonymous = null!;

    public async Task InitializeAsync()
    {
        _app = await AlertsAppFactory.CreateAsync();
        _ = _app.CreateClient();
        _anonymous = _app.Server.CreateClient();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private List<(string Method, string Path, string Scope)> StaffEndpoints() =>
        _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/v1", StringComparison.Ordinal) && e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(method => (
                method,
                "/" + string.Join('/', e.RoutePattern.PathSegments.Select(s => string.Concat(s.Parts.Select(p =>
                    p is Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal ? literal.Content : "1")))),
                e.Metadata.GetOrderedMetadata<IAuthorizeData>().Single().Policy!)))
            .ToList();

    [Fact]
    public void EveryStaffEndpoint_RequiresExactlyOneScope()
    {
        var endpoints = StaffEndpoints();

        Assert.True(endpoints.Count > 30, $"only {endpoints.Count} staff endpoints found");
        Assert.All(endpoints, e => Assert.Contains(e.Scope, StaffScopes.All));
        Assert.Contains(endpoints, e => e.Path == "/api/v1/campaigns/1/send" && e.Scope == StaffScopes.Send);
        Assert.Contains(endpoints, e => e.Path == "/api/v1/campaigns/1/approve" && e.Scope == StaffScopes.Send);
        Assert.Contains(endpoints, e => e is { Method: "GET", Path: "/api/v1/bills" } && e.Scope == StaffScopes.Read);
        Assert.Contains(endpoints, e => e is { Method: "POST", Path: "/api/v1/supporters/import" } && e.Scope == StaffScopes.Write);
    }

    [Fact]
    public void UnderApiV1_OnlyTheApiDescriptionIsAnonymous()
    {
        var anonymous = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/v1", StringComparison.Ordinal) && e.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .Select(e => e.RoutePattern.RawText);

        Assert.Equal(["/api/v1/openapi.json"], anonymous);
    }

    [Fact]
    public async Task EveryStaffEndpoint_WithoutAKey_Is401()
    {
        foreach ((string method, string path, _) in StaffEndpoints())
        {
            HttpResponseMessage response = await _anonymous.SendAsync(Request(method, path, key: null));
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {(int)response.StatusCode}");
            Assert.Equal("ApiKey header=\"X-Api-Key\"", response.Headers.WwwAuthenticate.Single().ToString());
        }
    }

    [Fact]
    public async Task EveryStaffEndpoint_WithAKeyLackingItsScope_Is403()
    {
        var keys = new Dictionary<string, string>();
        foreach (string scope in StaffScopes.All)
        {
            keys[scope] = await _app.CreateApiKeyAsync([.. StaffScopes.All.Except([scope])]);
        }

        foreach ((string method, string path, string scope) in StaffEndpoints())
        {
            HttpResponseMessage response = await _anonymous.SendAsync(Request(method, path, keys[scope]));
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} without {scope}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task EveryStaffEndpoint_WithARevokedKey_Is401()
    {
        string key = await _app.CreateApiKeyAsync([.. StaffScopes.All]);
        Assert.Equal(HttpStatusCode.OK, (await _anonymous.SendAsync(Request("GET", "/api/v1/bills", key))).StatusCode);
        await _app.Services.GetRequiredService<ApiKeyStore>().RevokeAsync(key.Split('.')[1]);

        foreach ((string method, string path, _) in StaffEndpoints())
        {
            HttpResponseMessage response = await _anonymous.SendAsync(Request(method, path, key));
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task SendAutomaticallyRule_NeedsTheSendScope_AndNamesWhoSetItUp()
    {
        HttpResponseMessage created = await Send("POST", "/api/v1/segments", new { name = "All" }, await _app.CreateApiKeyAsync(StaffScopes.Write));
        string segment = System.Text.Json.Nodes.JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();

        object rule(string mode) => new
        {
            name = "Report stage", mode, eventKinds = new[] { "StageReached" },
            campaign = Campaigns.CampaignsTestApp.Campaign(segment, ["email"]),
        };
        string writeOnly = await _app.CreateApiKeyAsync(StaffScopes.Read, StaffScopes.Write);
        string sender = await _app.CreateApiKeyAsync([.. StaffScopes.All]);

        Assert.Equal(HttpStatusCode.Forbidden, (await Send("POST", "/api/v1/alert-rules", rule("sendAutomatically"), writeOnly)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Send("POST", "/api/v1/alert-rules", rule("draft"), writeOnly)).StatusCode);
        HttpResponseMessage automatic = await Send("POST", "/api/v1/alert-rules", rule("sendAutomatically"), sender);
        Assert.Equal(HttpStatusCode.Created, automatic.StatusCode);
        Assert.Equal("key:" + sender.Split('.')[1], System.Text.Json.Nodes.JsonNode.Parse(await automatic.Content.ReadAsStringAsync())!["createdBy"]!.GetValue<string>());
        var rules = System.Text.Json.Nodes.JsonNode.Parse(await (await Send("GET", "/api/v1/alert-rules", null, sender)).Content.ReadAsStringAsync())!.AsArray();
        Assert.Single(rules, r => r!["definition"]!["mode"]!.GetValue<string>() == "sendAutomatically");
    }

    private Task<HttpResponseMessage> Send(string method, string path, object? body, string key)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = System.Net.Http.Json.JsonContent.Create(body);
        }

        request.Headers.Add("X-Api-Key", key);
        return _anonymous.SendAsync(request);
    }

    [Theory]
    [InlineData("alk.000000000000.wrong")]
    [InlineData("not a key")]
    public async Task ForgedKey_Is401(string key)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _anonymous.SendAsync(Request("GET", "/api/v1/bills", key))).StatusCode);
    }

    [Fact]
    public async Task AnonymousEndpoints_StayOpen()
    {
        Assert.Equal(HttpStatusCode.OK, (await _anonymous.GetAsync(new Uri("/api/health", UriKind.Relative))).StatusCode);
        HttpResponseMessage signIn = await _anonymous.GetAsync(new Uri("/console/sign-in", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        HttpResponseMessage root = await _anonymous.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, root.StatusCode); // the root is the console's front door
        Assert.Equal("/console", root.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task ConsoleResponses_MayNotBeFramed_AndRunOnlyTheConsolesOwnScript()
    {
        // A page, a refusal before any page (an anonymous request for a signed-in page) and the script itself.
        foreach (string path in new[] { "/console/sign-in", "/console/campaigns", "/console/console.js" })
        {
            HttpResponseMessage response = await _anonymous.GetAsync(new Uri(path, UriKind.Relative));
            string policy = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
            Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        }

        Assert.False((await _anonymous.GetAsync(new Uri("/api/health", UriKind.Relative))).Headers.Contains("Content-Security-Policy"));
    }

    private static HttpRequestMessage Request(string method, string path, string? key)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (method is not ("GET" or "DELETE"))
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return request;
    }
}
