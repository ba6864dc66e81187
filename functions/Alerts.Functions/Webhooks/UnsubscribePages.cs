using System.Net;
using System.Text;
using Alerts.Messages;
using Alerts.Supporters;
using Microsoft.Extensions.Options;

namespace Alerts.Webhooks;

/// <summary>
/// One-click unsubscribe (RFC 8058) and the page behind every unsubscribe link: no login, a signed token
/// that never expires, a plain accessible form that works without JavaScript. A GET only shows the page
/// (mail scanners fetch links); the opt-out happens on POST.
/// </summary>
internal static class UnsubscribePages
{
    public static IEndpointRouteBuilder MapUnsubscribe(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/unsubscribe/{token}", ShowAsync).WithName("ShowUnsubscribePage").ExcludeFromDescription().RequireRateLimiting(AnonymousLimits.Policy);
        app.MapPost("/api/unsubscribe/{token}", UnsubscribeAsync).WithName("Unsubscribe").ExcludeFromDescription().DisableAntiforgery().RequireRateLimiting(AnonymousLimits.Policy);
        return app;
    }

    private static async Task<IResult> ShowAsync(string token, UnsubscribeLinks links, SupporterDirectory directory, IOptions<AlertingOptions> options, CancellationToken cancellationToken)
    {
        if (links.Read(token) is not { } link)
        {
            return NotFoundPage(options.Value.CharityName);
        }

        Supporter? supporter = await directory.GetAsync(link.SupporterId, cancellationToken);
        string charity = WebUtility.HtmlEncode(options.Value.CharityName);
        var body = new StringBuilder();
        body.Append(CultureInfo($"<h1>Stop alerts from {charity}</h1>"));
        if (supporter is null)
        {
            body.Append("<p>You are not on our list any more. There is nothing else to do.</p>");
        }
        else
        {
            body.Append("<form method=\"post\">");
            body.Append("<fieldset><legend>Which alerts should stop?</legend>");
            AppendChoice(body, "email", "Email alerts", supporter.Email is not null, link.Channel == Channel.Email);
            AppendChoice(body, "sms", "Text message (SMS) alerts", supporter.Phone is not null, link.Channel == Channel.Sms);
            body.Append("</fieldset><p><button type=\"submit\">Unsubscribe</button></p></form>");
            body.Append("<p>We will stop straight away. You can sign up again at any time.</p>");
        }

        return Page(charity, body.ToString());
    }

    private static async Task<IResult> UnsubscribeAsync(string token, HttpRequest request, UnsubscribeLinks links, OptOuts optOuts, IOptions<AlertingOptions> options, CancellationToken cancellationToken)
    {
        if (links.Read(token) is not { } link)
        {
            return NotFoundPage(options.Value.CharityName);
        }

        IFormCollection form = request.HasFormContentType ? await request.ReadFormAsync(cancellationToken) : FormCollection.Empty;
        bool oneClick = form["List-Unsubscribe"] == "One-Click";
        var channels = oneClick ? [link.Channel] : form["channel"].Select(c => c == "sms" ? Channel.Sms : Channel.Email).Distinct().ToList();
        if (channels.Count == 0)
        {
            channels = [link.Channel];
        }

        foreach (Channel channel in channels)
        {
            await optOuts.OptOutAsync(link.SupporterId, channel, oneClick ? "one-click" : "unsubscribe-page", "unsubscribe", cancellationToken);
        }

        // Mail providers want a plain 200 for one-click; people get a page.
        string charity = WebUtility.HtmlEncode(options.Value.CharityName);
        return oneClick
            ? new SecurePage(Results.Text("Unsubscribed.", "text/plain"))
            : Page(charity, CultureInfo($"<h1>You are unsubscribed</h1><p>{charity} will not send you {string.Join(" or ", channels.Select(c => c == Channel.Email ? "emails" : "text messages"))} again.</p>"));
    }

    private static void AppendChoice(StringBuilder body, string value, string label, bool available, bool chosen)
    {
        if (!available)
        {
            return;
        }

        body.Append(CultureInfo($"<p><label><input type=\"checkbox\" name=\"channel\" value=\"{value}\"{(chosen ? " checked" : "")}> {label}</label></p>"));
    }

    private static SecurePage NotFoundPage(string charityName) =>
        new SecurePage(Results.Content(Html(WebUtility.HtmlEncode(charityName), "<h1>This link does not work</h1><p>Check that you copied all of it, or reply STOP to a text from us.</p>"),
            "text/html; charset=utf-8", Encoding.UTF8, StatusCodes.Status404NotFound));

    private static SecurePage Page(string charity, string body) => new SecurePage(Results.Content(Html(charity, body), "text/html; charset=utf-8", Encoding.UTF8));

    /// <summary>
    /// The page's URL is a secret (its token opts the supporter out), so it is never sent on as a referrer;
    /// nothing but its own inline style runs, and no other site may frame it to trick a click.
    /// </summary>
    private sealed class SecurePage(IResult page) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            IHeaderDictionary headers = httpContext.Response.Headers;
            headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XContentTypeOptions = "nosniff";
            headers.CacheControl = "no-store";
            return page.ExecuteAsync(httpContext);
        }
    }

    private static string Html(string charity, string body) => CultureInfo($$"""
        <!doctype html>
        <html lang="en-GB">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Unsubscribe – {{charity}}</title>
        <style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#111}
        button{font-size:1.1rem;padding:.6rem 1.4rem;background:#0b0c0c;color:#fff;border:0;border-radius:4px;cursor:pointer}
        button:focus,input:focus{outline:3px solid #fd0}fieldset{border:1px solid #999;padding:1rem}</style></head>
        <body><main>{{body}}</main><footer><p>{{charity}}</p></footer></body></html>
        """);

    private static string CultureInfo(FormattableString text) => FormattableString.Invariant(text);
}
