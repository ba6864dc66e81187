namespace Alerts.Rules;

/// <summary>
/// "The day before at 09:00": when a reminder rule's campaign goes, counted back from the sitting it is
/// about, in Europe/London (Parliament's calendar), stored in UTC.
/// </summary>
public sealed record SittingReminder
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    /// <summary>Days before the sitting day: 0 is the morning of the day itself.</summary>
    public int DaysBefore { get; init; } = 1;

    /// <summary>Time of day in Europe/London.</summary>
    public TimeOnly At { get; init; } = new(9, 0);

    public DateTimeOffset SendAt(DateOnly sittingDate)
    {
        DateTime local = sittingDate.AddDays(-DaysBefore).ToDateTime(At);
        return new DateTimeOffset(local, London.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>True once the sitting day has begun in London: too late to remind anyone of it.</summary>
    public static bool HasBegun(DateOnly sittingDate, DateTimeOffset now) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, London).DateTime) >= sittingDate;
}
