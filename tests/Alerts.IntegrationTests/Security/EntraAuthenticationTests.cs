using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using Alerts.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Alerts.Security;

/// <summary>Entra ID bearer tokens, signed here with a test key in place of the tenant's: app roles map to scopes.</summary>
public sealed class EntraAuthenticationTests : IAsyncLifetime
{
    private const string Issuer = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001/v2.0";
    private const string Audience = "api://alerts-test";
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "test" };
    private AlertsAppFactory _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = (await AlertsAppFactory.CreateAsync())
            .WithSetting("Entra:Authority", Issuer)
            .WithSetting("Entra:Audience", Audience)
            .WithServices(services => services.PostConfigure<JwtBearerOptions>("Entra", bearer =>
            {
                // The tenant's metadata, without fetching it: this key signs the test tokens.
                var configuration = new OpenIdConnectConfiguration { Issuer = Issuer };
                configuration.SigningKeys.Add(_key);
                bearer.Configuration = configuration;
                bearer.ConfigurationManager = new Microsoft.IdentityModel.Protocols.StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
            }));
        _ = _app.CreateClient();
        _client = _app.Server.CreateClient();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _key.Rsa.Dispose();
    }

    private string Token(string[] roles, string audience = Audience, DateTime? expires = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Expires = expires ?? DateTime.UtcNow.AddMinutes(30),
            NotBefore = (expires ?? DateTime.UtcNow.AddMinutes(30)).AddHours(-1),
            IssuedAt = (expires ?? DateTime.UtcNow.AddMinutes(30)).AddHours(-1),
            Subject = new ClaimsIdentity([new Claim("oid", "11111111-2222-3333-4444-555555555555"), .. roles.Select(r => new Claim("roles", r))]),
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        });

    private async Task<HttpStatusCode> CallAsync(HttpMethod method, string path, string token)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (method != HttpMethod.Get)
        {
            request.Content = new StringContent("{\"name\":\"x\"}", System.Text.Encoding.UTF8, "application/json");
        }

        return (await _client.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task AppRoles_MapToTheSameScopesAsApiKeys()
    {
        string reader = Token(["Alerts.Read"]);

        Assert.Equal(HttpStatusCode.OK, await CallAsync(HttpMethod.Get, "/api/v1/bills", reader));
        Assert.Equal(HttpStatusCode.Forbidden, await CallAsync(HttpMethod.Post, "/api/v1/segments", reader));
        Assert.Equal(HttpStatusCode.Created, await CallAsync(HttpMethod.Post, "/api/v1/segments", Token(["Alerts.Write"])));
        Assert.Equal(HttpStatusCode.Forbidden, await CallAsync(HttpMethod.Get, "/api/v1/bills", Token([])));
    }

    [Fact]
    public async Task WrongAudienceExpiredOrForeignKey_Is401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(HttpMethod.Get, "/api/v1/bills", Token(["Alerts.Read"], audience: "api://someone-else")));
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(HttpMethod.Get, "/api/v1/bills", Token(["Alerts.Read"], expires: DateTime.UtcNow.AddHours(-2))));
        string foreign = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer, Audience = Audience, Expires = DateTime.UtcNow.AddMinutes(5),
            Subject = new ClaimsIdentity([new Claim("roles", "Alerts.Read")]),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(RSA.Create(2048)), SecurityAlgorithms.RsaSha256),
        });
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(HttpMethod.Get, "/api/v1/bills", foreign));
    }
}
