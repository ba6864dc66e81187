namespace Alerts.StaffConsole;

/// <summary>
/// Headers on every console response. The console approves and sends campaigns with one click, so no other
/// site may frame it; it runs only its own script; and it loads nothing from elsewhere except the images
/// an email being previewed links to (the preview frame, sandboxed, inherits this policy, so its inline
/// styles are allowed and its scripts are not).
/// </summary>
internal static class ConsoleSecurityHeaders
{
    public const string Policy =
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; font-src 'self' data: https:; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static IApplicationBuilder UseConsoleSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/console", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.OnStarting(() =>
                {
                    IHeaderDictionary headers = context.Response.Headers;
                    headers.ContentSecurityPolicy = Policy;
                    headers.XContentTypeOptions = "nosniff";
                    headers["Referrer-Policy"] = "same-origin";
                    return Task.CompletedTask;
                });
            }

            return next(context);
        });
}
