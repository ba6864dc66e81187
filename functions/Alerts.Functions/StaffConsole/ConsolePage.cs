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

    /// <summary>Splits a comma- or line-separated field into its trimmed, non-empty parts.</summary>
    public static IReadOnlyList<string> List(string? text) =>
        (text ?? string.Empty).Split([',', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
