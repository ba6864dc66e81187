using Alerts.Audit;
using Alerts.Security;
using Alerts.StaffConsole.Pages;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Alerts.StaffConsole;

/// <summary>Signing in with a staff API key (exchanged for the session cookie), and signing out.</summary>
internal static class SignInPages
{
    public static RouteGroupBuilder MapSignInPages(this RouteGroupBuilder console)
    {
        console.MapGet("/sign-in", (string? returnUrl) => ConsolePage.Show<SignInPage>(new { ReturnUrl = LocalOnly(returnUrl) })).AllowAnonymous();
        console.MapPost("/sign-in", SignInAsync).AllowAnonymous();
        console.MapPost("/sign-out", (Delegate)SignOutAsync).AllowAnonymous();
        return console;
    }

    private static async Task<IResult> SignInAsync(
        [FromForm] string? key, [FromForm] string? returnUrl, HttpContext http, ApiKeyStore keys, AuditLog audit, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(key) || await keys.VerifyAsync(key.Trim(), cancellationToken) is not { } verified)
        {
            return ConsolePage.Show<SignInPage>(new
            {
                ReturnUrl = LocalOnly(returnUrl),
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
