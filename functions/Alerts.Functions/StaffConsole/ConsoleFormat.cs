using System.Globalization;

namespace Alerts.StaffConsole;

/// <summary>How the console shows times and states: Europe/London, in words staff use.</summary>
public static class ConsoleFormat
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private static readonly CultureInfo British = CultureInfo.GetCultureInfo("en-GB");

    public static string When(DateTimeOffset? at) =>
        at is { } value ? TimeZoneInfo.ConvertTime(value, London).ToString("ddd d MMM yyyy, HH:mm", British) : "—";

    public static string Day(DateOnly? day) => day?.ToString("ddd d MMM yyyy", British) ?? "—";

    public static string Words(string kind) =>
        string.Concat(kind.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : c.ToString()));
}
