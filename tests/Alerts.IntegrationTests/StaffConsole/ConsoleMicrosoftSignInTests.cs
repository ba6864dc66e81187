using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using Alerts.Campaigns;
using Alerts.Fakes;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Playwright;
using static Alerts.StaffConsole.ConsoleBrowser;

namespace Alerts.StaffConsole;

/// <summary>
/// Signing in to the console with a Microsoft account: Debian's Chromium goes to a loopback stand-in for
/// Entra's authorize endpoint, which posts back an ID token signed here with a test key in place of the
/// tenant's (as Entra does with response_mode=form_post); its app roles become the console's scopes.
/// </summary>
public sealed class ConsoleMicrosoftSignInTests : IAsyncLifetime
{
    private const string Issuer = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001/v2.0";
    private static readonly string ClientId = Guid.NewGuid().ToString();
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "test" };
    private WebApplication _entra = null!;
    private CampaignsTestApp _app = null!;
    private ConsoleBrowser _browser = null!;

    /// <summary>What the stand-in puts in the next token: the app roles, and whether it is for another app.</summary>
    private (string[] Roles, string Audience) _next = (["Alerts.Read", "Alerts.Write"], ClientId);

    public async Task InitializeAsync()
    {
        _entra = LoopbackServer.Create();
        _entra.MapGet("/authorize", Authorize);
        await _entra.StartAsync();
        string authorize = LoopbackServer.Address(_entra) + "/authorize";
        _app = await CampaignsTestApp.StartAsync(providers: false, app =>
        {
            app.WithSetting("Entra:Authority", Issuer)
            .WithSetting("Entra:ClientId", ClientId)
            .WithServices(services => services.PostConfigure<OpenIdConnectOptions>(ConsoleEntraSignIn.SchemeName, oidc =>
            {
                // The tenant's metadata, without fetching it: the stand-in authorizes, this key signs.
                var configuration = new OpenIdConnectConfiguration { Issuer = Issuer, AuthorizationEndpoint = authorize };
                configuration.SigningKeys.Add(_key);
                oidc.Configuration = configuration;
                oidc.ConfigurationManager = new Microsoft.IdentityModel.Protocols.StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
            }));
            app.UseKestrel(0);
            return app;
        });
        _browser = await ConsoleBrowser.LaunchAsync(_app.Client.BaseAddress!);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _app.DisposeAsync();
        await _entra.DisposeAsync();
        _key.Rsa.Dispose();
    }

    /// <summary>Entra's side: the person is signed in already, so it posts the token straight back (a button, as no script runs here).</summary>
    private IResult Authorize(HttpRequest request)
    {
        string token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = _next.Audience,
            Expires = DateTime.UtcNow.AddMinutes(60),
            Subject = new ClaimsIdentity([
                new Claim("sub", "pairwise-subject-for-this-app"), new Claim("oid", "11111111-2222-3333-4444-555555555555"), new Claim("name", "Jane Smith"), new Claim("nonce", request.Query["nonce"].ToString()),
                .. _next.Roles.Select(r => new Claim("roles", r))]),
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        });
        string html = $"""
            <!DOCTYPE html><html lang="en"><head><title>Microsoft</title></head><body>
            <form method="post" action="{WebUtility.HtmlEncode(request.Query["redirect_uri"])}">
            <input type="hidden" name="id_token" value="{token}"><input type="hidden" name="state" value="{WebUtility.HtmlEncode(request.Query["state"])}">
            <button type="submit">Continue as Jane Smith</button></form></body></html>
            """;
        return Results.Content(html, "text/html");
    }

    [Fact]
    public async Task AMicrosoftAccount_SignsIn_WithItsAppRolesAsScopes_AndIsNamedInTheAudit()
    {
        string segment = await _app.CreateSegmentAsync(new { name = "Everyone" });
        string campaign = (await _app.PostAsync("/api/v1/campaigns", CampaignsTestApp.Campaign(segment, ["email"])))["id"]!.GetValue<string>();
        IPage page = await _browser.NewPageAsync();
        await page.GotoAsync(_browser.Url("/console/campaigns"));
        Assert.Equal("Sign in", await Heading(page));
        await CheckAsync(page, "sign-in-microsoft");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with Microsoft" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue as Jane Smith" }).ClickAsync();

        // Back where they were going, as themselves, with what their roles allow: drafting, not sending.
        Assert.Equal("Campaigns", await Heading(page));
        Assert.Contains("Signed in as Jane Smith", await page.Locator("header").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await page.GetByRole(AriaRole.Link, new() { Name = "Draft a campaign" }).CountAsync());
        await page.GotoAsync(_browser.Url($"/console/campaigns/{campaign}"));
        Assert.Equal(1, await page.GetByRole(AriaRole.Link, new() { Name = "Edit the draft" }).CountAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).CountAsync());
        await Nav(page, "Audit");
        Assert.Contains("entra:11111111-2222-3333-4444-555555555555", await page.Locator("tbody").InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATokenForAnotherApp_IsRefused_OnTheSignInPage()
    {
        _next = (["Alerts.Read", "Alerts.Write", "Alerts.Send"], Guid.NewGuid().ToString());
        IPage page = await _browser.NewPageAsync();
        await page.GotoAsync(_browser.Url("/console/sign-in"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with Microsoft" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue as Jane Smith" }).ClickAsync();

        Assert.Equal("Sign in", await Heading(page));
        Assert.Contains("Signing in with Microsoft did not work", await page.Locator(".error").InnerTextAsync(), StringComparison.Ordinal);
        await page.GotoAsync(_browser.Url("/console"));
        Assert.Equal("Sign in", await Heading(page));
    }
}
