using Alerts.Messages;
using Microsoft.Extensions.Options;

namespace Alerts.Dispatch;

/// <summary>SMS quiet hours, in Europe/London local time whatever the server's zone.</summary>
internal sealed class QuietHours(IOptions<AlertingOptions> options)
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    /// <summary>When quiet hours end, if <paramref name="utcNow"/> is inside them; otherwise null.</summary>
    public DateTimeOffset? Until(DateTimeOffset utcNow)
    {
        TimeOnly start = options.Value.SmsQuietHoursStart, end = options.Value.SmsQuietHoursEnd;
        if (start == end)
        {
            return null;
        }

        DateTime local = TimeZoneInfo.ConvertTime(utcNow, London).DateTime;
        var now = TimeOnly.FromDateTime(local);
        bool quiet = start < end ? now >= start && now < end : now >= start || now < end;
        if (!quiet)
        {
            return null;
        }

        DateTime endLocal = local.Date + end.ToTimeSpan();
        if (endLocal <= local)
        {
            endLocal = endLocal.AddDays(1);
        }

        return new DateTimeOffset(endLocal, London.GetUtcOffset(endLocal)).ToUniversalTime();
    }
}
