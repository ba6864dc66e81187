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
}
