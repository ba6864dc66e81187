using System.Reflection;
using Alerts.Api;
using Alerts.Audit;
using Alerts.Security;

namespace Alerts.StaffConsole;

/// <summary>
/// The staff console at /console: pages rendered on the server (Razor components, static rendering: no
/// circuit, no WebSocket), whose endpoints bind a form, call the same service the staff API calls, and show
/// the result. Forms are plain posts with antiforgery tokens and post-redirect-get, so every page works
/// without JavaScript and through the Functions front end's request-and-response proxy.
/// </summary>
internal static class ConsoleRegistration
{
    public static IHostApplicationBuilder AddStaffConsole(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents();
        builder.Services.AddAntiforgery(antiforgery => antiforgery.Cookie = new ConsoleCookie("alerts-antiforgery"));
        builder.Services.AddAuthentication().AddConsoleSession().AddConsoleEntra(builder.Configuration);
        return builder;
    }

    public static IEndpointRouteBuilder MapStaffConsole(this IEndpointRouteBuilder app)
    {
        // One style sheet, and one small script that only improves pages which work without it.
        foreach ((string file, string type) in new[] { ("console.css", "text/css"), ("console.js", "text/javascript") })
        {
            string text = ReadResource(file);
            app.MapGet("/console/" + file, (HttpContext http) =>
            {
                http.Response.Headers.CacheControl = "public, max-age=3600";
                return Results.Text(text, type + "; charset=utf-8");
            }).ExcludeFromDescription().AllowAnonymous();
        }

        // One scope per page, as in the staff API: read to look, write to change, send to approve and send.
        RouteGroupBuilder console = app.MapGroup("/console").ExcludeFromDescription()
            .RequireStaffScopes(ConsoleAuthentication.SchemeName).ValidateRouteIds().AuditStaffChanges(objectTypeSegment: 1);
        // Every change needs the form's antiforgery token, including the buttons that post no fields (approve,
        // send, cancel): the framework itself refuses a bad token only where it binds form fields.
        console.AddEndpointFilter(async (context, next) =>
        {
            HttpContext http = context.HttpContext;
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method)
                && !await http.RequestServices.GetRequiredService<Microsoft.AspNetCore.Antiforgery.IAntiforgery>().IsRequestValidAsync(http))
            {
                return ConsolePage.Show<Pages.NotFoundPage>(new
                {
                    Title = "The form has expired",
                    What = "Nothing was changed: the form was too old, or did not come from this console. Go back, reload the page and try again.",
                }, StatusCodes.Status400BadRequest);
            }

            return await next(context);
        });
        console.MapSignInPages();
        console.MapHomePage();
        console.MapBillsPages();
        console.MapDivisionsPages();
        console.MapSupportersPages();
        console.MapImportPages();
        console.MapSegmentsPages();
        console.MapCampaignsPages();
        console.MapRulesPages();
        console.MapAuditPages();
        return app;
    }

    private static string ReadResource(string name)
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException(name + " is not embedded in the app.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
