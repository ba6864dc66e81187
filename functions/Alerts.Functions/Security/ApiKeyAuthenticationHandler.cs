using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Alerts.Security;

/// <summary>Authenticates staff by <c>X-Api-Key</c> (or <c>Authorization: ApiKey …</c>); the key's scopes become claims.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys, IOptions<EntraOptions> entra)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>A 401 says how to authenticate: with a key, or (when configured) an Entra ID bearer token.</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(Microsoft.Net.Http.Headers.HeaderNames.WWWAuthenticate, $"{SchemeName} header=\"X-Api-Key\"");
        if (entra.Value.IsConfigured)
        {
            Response.Headers.Append(Microsoft.Net.Http.Headers.HeaderNames.WWWAuthenticate, "Bearer");
        }

        return Task.CompletedTask;
    }

    public const string SchemeName = "ApiKey";
    public const string ScopeClaim = "scope";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? presented = Request.Headers["X-Api-Key"].FirstOrDefault();
        if (presented is null && Request.Headers.Authorization.FirstOrDefault() is { } authorization
            && authorization.StartsWith(SchemeName + " ", StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization[(SchemeName.Length + 1)..].Trim();
        }

        if (presented is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (await keys.VerifyAsync(presented, Context.RequestAborted) is not { } key)
        {
            return AuthenticateResult.Fail("Unknown or revoked API key.");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(PrincipalFor(key, SchemeName), SchemeName));
    }

    /// <summary>Who a verified key is: its id, name and scopes as claims (the API's requests and the console's sessions alike).</summary>
    public static ClaimsPrincipal PrincipalFor(ApiKeyInfo key, string scheme) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, key.Id), new Claim(ClaimTypes.Name, key.Name), .. key.Scopes.Select(s => new Claim(ScopeClaim, s))],
        scheme));
}
