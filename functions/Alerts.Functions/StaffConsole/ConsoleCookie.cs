using Alerts.Hosting;

namespace Alerts.StaffConsole;

/// <summary>
/// The console's cookies (session and antiforgery): HttpOnly, SameSite=Strict, path /console, and Secure
/// except on a local run: the app on its own, asked over plain http by its loopback name. Under the
/// Functions host the worker is reached over http from the host, so "same as the request" would drop Secure
/// in Azure; the decision is made from where the browser is, not from how the request reached us.
/// </summary>
internal sealed class ConsoleCookie : CookieBuilder
{
    public ConsoleCookie(string name)
    {
        Name = name;
        Path = "/console";
        HttpOnly = true;
        SameSite = SameSiteMode.Strict;
        SecurePolicy = CookieSecurePolicy.SameAsRequest; // decided per request below
    }

    public override CookieOptions Build(HttpContext context, DateTimeOffset expiresFrom)
    {
        CookieOptions options = base.Build(context, expiresFrom);
        options.Secure = !IsLocalRun(context);
        return options;
    }

    private static bool IsLocalRun(HttpContext context) =>
        !context.RequestServices.GetRequiredService<HostingMode>().UnderFunctionsHost
        && !context.Request.IsHttps
        && (context.Request.Host.Host is "localhost" || (System.Net.IPAddress.TryParse(context.Request.Host.Host, out System.Net.IPAddress? ip) && System.Net.IPAddress.IsLoopback(ip)));
}
