using Alerts.Messages;
using Microsoft.Extensions.Options;

namespace Alerts.Dispatch;

public sealed class QuietHoursTests
{
    [Theory]
    [InlineData("2026-11-24T21:30:00Z", "2026-11-25T08:00:00Z")] // GMT
    [InlineData("2026-11-25T07:59:00Z", "2026-11-25T08:00:00Z")]
    [InlineData("2026-07-01T20:30:00Z", "2026-07-02T07:00:00Z")] // BST: 21:30 local, ends 08:00 local = 07:00Z
    [InlineData("2026-11-24T12:00:00Z", null)]
    [InlineData("2026-07-01T19:59:00Z", null)]                   // 20:59 BST
    public void QuietHours_UseLondonTime(string now, string? until)
    {
        var quiet = new QuietHours(Options.Create(new AlertingOptions()));

        DateTimeOffset? end = quiet.Until(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(until is null ? null : DateTimeOffset.Parse(until, System.Globalization.CultureInfo.InvariantCulture), end);
    }
}
