using Alerts.Audit;
using Alerts.StaffConsole.Pages;

namespace Alerts.StaffConsole;

/// <summary>The audit log, by day (London) or by object, newest first.</summary>
internal static class AuditPages
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    public static RouteGroupBuilder MapAuditPages(this RouteGroupBuilder console)
    {
        console.MapGet("/audit", ShowAsync);
        return console;
    }

    private static async Task<IResult> ShowAsync(
        HttpContext http, AuditLog audit, TimeProvider time, CancellationToken cancellationToken, string? day = null, string? objectType = null, string? objectId = null)
    {
        DateOnly today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), London).DateTime);
        DateOnly chosen = today;
        string? error = null;
        if (!string.IsNullOrEmpty(day) && !DateOnly.TryParseExact(day, "yyyy-MM-dd", out chosen))
        {
            error = "Give the day as a date, e.g. 2026-12-01.";
            chosen = today;
        }

        bool byObject = !string.IsNullOrWhiteSpace(objectType) && !string.IsNullOrWhiteSpace(objectId) && Storage.TableKeys.IsId(objectId.Trim()) && Storage.TableKeys.IsId(objectType.Trim());
        // A London day, as UTC bounds; an object's whole history in the last year.
        DateTimeOffset from = byObject ? time.GetUtcNow().AddDays(-365) : new DateTimeOffset(chosen.ToDateTime(TimeOnly.MinValue), London.GetUtcOffset(chosen.ToDateTime(TimeOnly.MinValue)));
        DateTimeOffset to = byObject ? time.GetUtcNow() : from.AddDays(1);
        IReadOnlyList<AuditEntry> entries = error is null
            ? await audit.ReadAsync(byObject ? objectType!.Trim() : null, byObject ? objectId!.Trim() : null, from, to, 500, cancellationToken)
            : [];
        return ConsolePage.Show<AuditPage>(new
        {
            User = ConsoleUser.From(http.User), Entries = entries, Day = chosen.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ObjectType = objectType, ObjectId = objectId, Error = error,
        }, error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }
}
