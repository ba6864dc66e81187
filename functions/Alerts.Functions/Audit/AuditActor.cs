using System.Security.Claims;

namespace Alerts.Audit;

/// <summary>Who is acting: the staff key on this request, or the system route that made the change.</summary>
internal sealed class AuditActor(IHttpContextAccessor accessor)
{
    public string For(string source) =>
        accessor.HttpContext?.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } id
            ? id.StartsWith("entra:", StringComparison.Ordinal) ? id : $"key:{id}"
            : source;
}
