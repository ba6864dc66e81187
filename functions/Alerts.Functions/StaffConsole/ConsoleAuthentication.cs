using System.Security.Claims;
using Alerts.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Alerts.StaffConsole;

/// <summary>
/// The console's session: a cookie, issued when a staff member signs in with a staff API key (carrying the
/// key's id, name and scopes, never the key) or with a Microsoft account (<see cref="ConsoleEntraSignIn"/>).
/// Every request re-checks that a key is live, so revoking a key ends its sessions at once; an Entra
/// session ends eight hours after sign-in.
/// </summary>
internal static class ConsoleAuthentication
{
    public const string SchemeName = "Console";
    public const string SignInPath = "/console/sign-in";

    public static AuthenticationBuilder AddConsoleSession(this AuthenticationBuilder authentication) =>
        authentication.AddCookie(SchemeName, cookie =>
        {
            cookie.Cookie = new ConsoleCookie("alerts-console");
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
            cookie.LoginPath = SignInPath;
            cookie.Events = new CookieAuthenticationEvents
            {
                OnValidatePrincipal = async context =>
                {
                    ApiKeyStore keys = context.HttpContext.RequestServices.GetRequiredService<ApiKeyStore>();
                    string? id = context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier);
                    bool live = id?.StartsWith("entra:", StringComparison.Ordinal) == true
                        ? context.Properties.IssuedUtc is { } issued
                          && context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow() - issued < ConsoleEntraSignIn.SessionLifetime
                        : id is not null && await keys.IsLiveAsync(id, context.HttpContext.RequestAborted);
                    if (!live)
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(SchemeName);
                    }
                },
                // A page the person's scopes do not allow: a 403 page in words, not a redirect.
                OnRedirectToAccessDenied = context => ConsolePage
                    .Show<Pages.ForbiddenPage>(new { User = ConsoleUser.From(context.HttpContext.User) }, StatusCodes.Status403Forbidden)
                    .ExecuteAsync(context.HttpContext),
            };
        });
}
