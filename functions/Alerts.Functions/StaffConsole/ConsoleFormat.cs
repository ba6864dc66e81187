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

    /// <summary>The instant a Europe/London calendar day begins (midnight there, in GMT or BST).</summary>
    public static DateTimeOffset StartOfLondonDay(DateOnly day) => InLondon(day, TimeOnly.MinValue);

    /// <summary>A day and time on a Europe/London clock, as an instant (in UTC).</summary>
    public static DateTimeOffset InLondon(DateOnly day, TimeOnly time)
    {
        DateTime local = day.ToDateTime(time);
        return new DateTimeOffset(local, London.GetUtcOffset(local)).ToUniversalTime();
    }

    public static string Words(string kind) =>
        string.Concat(kind.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : c.ToString()));
}
