using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alerts.StaffConsole;

/// <summary>A console page as a response: a Razor component rendered on the server (static rendering, no circuit).</summary>
internal static class ConsolePage
{
    public static RazorComponentResult<TPage> Show<TPage>(object parameters, int statusCode = StatusCodes.Status200OK)
        where TPage : IComponent =>
        new(parameters) { StatusCode = statusCode };

    /// <summary>Back to a page after a change (post, redirect, get), with a notice it shows by name.</summary>
    public static RedirectHttpResult After(string path, string? notice = null) =>
        TypedResults.Redirect(notice is null ? path : $"{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}notice={notice}");

    /// <summary>
    /// A console request the pipeline refused before its page saw it (a file too large, a body that cannot be
    /// read), explained as a page: staff in a browser should not meet problem+json.
    /// </summary>
    public static Task RefusedAsync(HttpContext context, int status) =>
        Show<Pages.NotFoundPage>(new
        {
            Title = status == StatusCodes.Status413PayloadTooLarge ? "Too large to take" : "The form could not be read",
            User = context.User.Identity?.IsAuthenticated == true ? ConsoleUser.From(context.User) : null,
            What = status switch
            {
                StatusCodes.Status413PayloadTooLarge =>
                    $"What you sent is larger than this page takes ({Api.StaffRequestLimits.InWords(Api.StaffRequestLimits.LimitFor(context))}). For an import, split the file and import each part.",
                StatusCodes.Status415UnsupportedMediaType => "Your browser sent the form in an encoding this app does not read. Reload the page and try again.",
                _ => "Reload the page and try again.",
            } + " Nothing was changed.",
            Back = context.Request.Path.Value ?? "/console",
        }, status).ExecuteAsync(context);

    /// <summary>Splits a comma- or line-separated field into its trimmed, non-empty parts.</summary>
    public static IReadOnlyList<string> List(string? text) =>
        (text ?? string.Empty).Split([',', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
