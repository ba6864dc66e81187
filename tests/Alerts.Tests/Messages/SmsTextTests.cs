using Microsoft.Extensions.Options;
using Alerts.Channels;
using Alerts.Dispatch;

namespace Alerts.Messages;

public sealed class SmsTextTests
{
    [Theory]
    [InlineData(160, SmsEncoding.Gsm7, 1)]
    [InlineData(161, SmsEncoding.Gsm7, 2)]
    [InlineData(306, SmsEncoding.Gsm7, 2)]
    [InlineData(307, SmsEncoding.Gsm7, 3)]
    public void Measure_Gsm7_SplitsAt160Then153(int length, SmsEncoding encoding, int segments)
    {
        SmsInfo info = SmsText.Measure(new string('a', length));

        Assert.Equal((encoding, segments), (info.Encoding, info.Segments));
    }

    [Fact]
    public void Measure_ExtendedCharactersCountTwice()
    {
        Assert.Equal(160, SmsText.Measure(new string('a', 158) + "€").Characters);
        Assert.Equal(2, SmsText.Measure(new string('a', 159) + "€").Segments);
    }

    [Theory]
    [InlineData("Ynys Môn", 1)]               // ô is not GSM-7
    [InlineData("Call your MP ✊", 1)]
    public void Measure_NonGsmCharacters_SwitchToUcs2(string text, int segments)
    {
        SmsInfo info = SmsText.Measure(text);

        Assert.Equal(SmsEncoding.Ucs2, info.Encoding);
        Assert.Equal(segments, info.Segments);
        Assert.Equal(2, SmsText.Measure(new string('x', 60) + "ô" + new string('x', 10)).Segments);
    }

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

    [Fact]
    public void SendFailures_OnlyAFailureToConnectIsCertainlyNotSent()
    {
        Assert.True(SendOutcomes.CertainlyNotSent(new HttpRequestException(HttpRequestError.ConnectionError, "refused")));
        Assert.True(SendOutcomes.CertainlyNotSent(new HttpRequestException(HttpRequestError.NameResolutionError, "dns")));
        Assert.False(SendOutcomes.CertainlyNotSent(new HttpRequestException(HttpRequestError.ResponseEnded, "reset after sending")));
        Assert.False(SendOutcomes.CertainlyNotSent(new TaskCanceledException("timeout")));
    }
}
