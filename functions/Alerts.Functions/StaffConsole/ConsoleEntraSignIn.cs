using System.Security.Claims;
using Alerts.Audit;
using Alerts.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Alerts.StaffConsole;

/// <summary>
/// Signing in to the console with a Microsoft account (Entra ID, OpenID Connect), when <c>Entra__ClientId</c>
/// is set: Microsoft posts back an ID token (no client secret to keep), whose app roles become the same scopes
/// an API key carries, and the console's own session cookie is issued as for a key. An Entra session lasts
/// eight hours from sign-in, not sliding: someone removed from the tenant or a role is out by then.
/// </summary>
internal static class ConsoleEntraSignIn
{
    public const string SchemeName = "ConsoleEntra";
    public const string CallbackPath = "/console/signin-oidc";

    /// <summary>How long an Entra session lasts, however active: Microsoft is asked again after it.</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);

    public static AuthenticationBuilder AddConsoleEntra(this AuthenticationBuilder authentication, IConfiguration configuration)
    {
        EntraOptions entra = configuration.GetSection(EntraOptions.SectionName).Get<EntraOptions>() ?? new EntraOptions();
        if (!entra.ConsoleSignIn)
        {
            return authentication;
        }

        return authentication.AddOpenIdConnect(SchemeName, "Microsoft", oidc =>
        {
            oidc.Authority = entra.Authority;
            oidc.ClientId = entra.ClientId;
            oidc.ResponseType = OpenIdConnectResponseType.IdToken;
            oidc.ResponseMode = OpenIdConnectResponseMode.FormPost;
            oidc.CallbackPath = CallbackPath;
            oidc.SignInScheme = ConsoleAuthentication.SchemeName;
            oidc.MapInboundClaims = false;
            oidc.Scope.Clear();
            oidc.Scope.Add("openid");
            oidc.Scope.Add("profile");
            oidc.CorrelationCookie = new ConsoleCookie("alerts-correlation", crossSite: true);
            oidc.NonceCookie = new ConsoleCookie("alerts-nonce", crossSite: true);
            oidc.Events = new OpenIdConnectEvents
            {
                OnTokenValidated = async context =>
                {
                    // The console's session holds who they are and their scopes, as a key's does; not Microsoft's token.
                    var identity = new ClaimsIdentity(EntraAuthentication.StaffClaims(context.Principal!, entra), ConsoleAuthentication.SchemeName);
                    context.Principal = new ClaimsPrincipal(identity);
                    context.Properties!.IsPersistent = false;
                    context.Properties.ExpiresUtc = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow() + SessionLifetime;
                    context.Properties.AllowRefresh = false;
                    await context.HttpContext.RequestServices.GetRequiredService<AuditLog>().RecordAsync(
                        Actors.Of(context.Principal), "ConsoleSignIn", "entra", Actors.Of(context.Principal)["entra:".Length..], cancellationToken: context.HttpContext.RequestAborted);
                },
                // Microsoft said no (or the form expired): the sign-in page, in words, not an exception.
                OnRemoteFailure = async context =>
                {
                    context.HandleResponse();
                    await ConsolePage.Show<Pages.SignInPage>(new
                    {
                        Entra = true,
                        Error = "Signing in with Microsoft did not work. Try again; if it keeps failing, ask whoever manages Alerts whether your account has a role in it.",
                    }, StatusCodes.Status400BadRequest).ExecuteAsync(context.HttpContext);
                },
            };
        });
    }
}
