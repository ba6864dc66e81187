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
    /// <param name="name">The cookie's name.</param>
    /// <param name="crossSite">
    /// For the cookies of a Microsoft sign-in, which come back with Microsoft's cross-site form post: SameSite=None
    /// (which browsers take only with Secure), or Lax on a local run, where the sign-in page is the same site.
    /// </param>
    public ConsoleCookie(string name, bool crossSite = false)
    {
        Name = name;
        Path = "/console";
        HttpOnly = true;
        SameSite = crossSite ? SameSiteMode.None : SameSiteMode.Strict;
        SecurePolicy = CookieSecurePolicy.SameAsRequest; // decided per request below
    }

    public override CookieOptions Build(HttpContext context, DateTimeOffset expiresFrom)
    {
        CookieOptions options = base.Build(context, expiresFrom);
        bool local = IsLocalRun(context);
        options.Secure = !local;
        if (local && options.SameSite == SameSiteMode.None)
        {
            options.SameSite = SameSiteMode.Lax;
        }

        return options;
    }

    private static bool IsLocalRun(HttpContext context) =>
        !context.RequestServices.GetRequiredService<HostingMode>().UnderFunctionsHost
        && !context.Request.IsHttps
        && (context.Request.Host.Host is "localhost" || (System.Net.IPAddress.TryParse(context.Request.Host.Host, out System.Net.IPAddress? ip) && System.Net.IPAddress.IsLoopback(ip)));
}
