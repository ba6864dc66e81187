using Alerts.StaffConsole;
using Alerts.Webhooks;

namespace Alerts.Api;

/// <summary>
/// The app's HTTP side, defined once: the middleware every request goes through and every endpoint. A
/// standalone app runs it as its own pipeline; under the Functions host the HTTP functions run it for
/// each request they are given (<see cref="AppEndpoints"/>).
/// </summary>
internal static class AppPipeline
{
    public static IApplicationBuilder UseAlertsMiddleware(this IApplicationBuilder app) => app
        .UseConsoleSecurityHeaders() // the console: its own script only, never framed
        .UseExceptionHandler()     // problem details, never a stack trace
        .UseStatusCodePages()
        .UseStaffRequestLimits()   // 413 for oversize bodies, 415 for an unreadable Content-Type
        .UseRateLimiter()          // the anonymous endpoints, per client
        .UseAuthentication()       // staff API keys or Entra ID tokens
        .UseAuthorization()        // one scope per staff endpoint
        .UseAntiforgery();         // every console form carries a token

    public static IEndpointRouteBuilder MapAlertsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Redirect("/console")).ExcludeFromDescription();
        app.MapHealth();           // GET /api/health                 (Health function, anonymous)
        app.MapStaffApi();         // /api/v1/...                     (StaffApi function, function key + staff key)
        app.MapStaffApiDocument(); // /api/v1/openapi.json            (the staff API described)
        app.MapWebhooks();         // /api/hooks/...                  (Webhooks function, anonymous, signature-verified)
        app.MapUnsubscribe();      // /api/unsubscribe/...            (Unsubscribe function, anonymous, signed token)
        app.MapStaffConsole();     // /console/...                    (Console function, anonymous, session cookie)
        return app;
    }
}
