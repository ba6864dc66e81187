using System.Security.Claims;

namespace Alerts.Audit;

/// <summary>
/// Who the audit trail names for a change. Callers say who is acting (the staff member on a request,
/// the supporter's own route such as <c>unsubscribe</c>, or <c>system</c> for a timer); stores and
/// services never look for an HTTP request to find out.
/// </summary>
internal static class Actors
{
    public const string System = "system";

    /// <summary>The signed-in staff member: <c>key:{id}</c> for an API key, <c>entra:{object id}</c> for Entra ID.</summary>
    public static string Of(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) is { } id
            ? id.StartsWith("entra:", StringComparison.Ordinal) ? id : $"key:{id}"
            : "staff";
}
