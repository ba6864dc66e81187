using Alerts.Audit;
using Alerts.Security;
using Alerts.StaffConsole.Pages;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Alerts.StaffConsole;

/// <summary>Signing in with a staff API key (exchanged for the session cookie), and signing out.</summary>
internal static class SignInPages
{
    public static RouteGroupBuilder MapSignInPages(this RouteGroupBuilder console)
    {
        console.MapGet("/sign-in", (string? returnUrl, IOptions<EntraOptions> entra) =>
            ConsolePage.Show<SignInPage>(new { ReturnUrl = LocalOnly(returnUrl), Entra = entra.Value.ConsoleSignIn })).AllowAnonymous();
        console.MapPost("/sign-in", SignInAsync).AllowAnonymous();
        // Off to Microsoft and back (to /console/signin-oidc, which the sign-in scheme handles itself).
        console.MapGet("/sign-in/microsoft", (string? returnUrl, IOptions<EntraOptions> entra) => entra.Value.ConsoleSignIn
            ? Results.Challenge(new AuthenticationProperties { RedirectUri = LocalOnly(returnUrl) ?? "/console" }, [ConsoleEntraSignIn.SchemeName])
            : Results.Redirect(ConsoleAuthentication.SignInPath)).AllowAnonymous();
        console.MapPost("/sign-out", (Delegate)SignOutAsync).AllowAnonymous();
        return console;
    }

    private static async Task<IResult> SignInAsync(
        [FromForm] string? key, [FromForm] string? returnUrl, HttpContext http, ApiKeyStore keys, AuditLog audit, IOptions<EntraOptions> entra,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(key) || await keys.VerifyAsync(key.Trim(), cancellationToken) is not { } verified)
        {
            return ConsolePage.Show<SignInPage>(new
            {
                ReturnUrl = LocalOnly(returnUrl),
                Entra = entra.Value.ConsoleSignIn,
                Error = string.IsNullOrWhiteSpace(key) ? "Paste your staff key." : "That key is not known, or it has been revoked. Ask whoever manages Alerts for a new one.",
            }, StatusCodes.Status400BadRequest);
        }

        await http.SignInAsync(ConsoleAuthentication.SchemeName, ApiKeyAuthenticationHandler.PrincipalFor(verified, ConsoleAuthentication.SchemeName));
        await audit.RecordAsync($"key:{verified.Id}", "ConsoleSignIn", "apikey", verified.Id, cancellationToken: cancellationToken);
        return TypedResults.Redirect(LocalOnly(returnUrl) ?? "/console");
    }

    private static async Task<IResult> SignOutAsync(HttpContext http)
    {
        await http.SignOutAsync(ConsoleAuthentication.SchemeName);
        return TypedResults.Redirect(ConsoleAuthentication.SignInPath);
    }

    /// <summary>Only a console path: a sign-in link must not send anyone elsewhere.</summary>
    private static string? LocalOnly(string? returnUrl) =>
        returnUrl is { Length: < 500 } url && url.StartsWith("/console", StringComparison.Ordinal) && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal)
            ? url
            : null;
}
