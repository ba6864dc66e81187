using Alerts.Supporters;

namespace Alerts.Dispatch;

public sealed class PartKeyTests
{
    private static string[] Ids(int count) => [.. Enumerable.Range(0, count).Select(i => "s" + i)];

    [Theory]
    [InlineData(0, 1)]
    [InlineData(3, 1)]
    [InlineData(199, 1)]
    [InlineData(250, 2)]
    [InlineData(1000, 4)]
    public void Sms_IsSplitIntoLanes_OnlyWhenLarge_AndEveryRecipientIsInExactlyOne(int count, int lanes)
    {
        var parts = PartKey.Split(Channel.Sms, Ids(count)).ToList();

        Assert.Equal(lanes, parts.Count);
        Assert.Equal(Enumerable.Range(0, lanes), parts.Select(p => p.Key.Lane));
        Assert.Equal(Ids(count), parts.SelectMany(p => p.Ids));
        Assert.All(parts, p => Assert.InRange(p.Ids.Count, count == 0 ? 0 : 1, count));
    }

    [Fact]
    public void Email_IsOnePart_SoOneSendGridRequestCarriesTheWholeBatch()
    {
        var parts = PartKey.Split(Channel.Email, Ids(1000)).ToList();

        Assert.Equal((new PartKey(Channel.Email), 1000), (Assert.Single(parts).Key, parts[0].Ids.Count));
        Assert.Equal(["Email", "Sms", "Sms3"], new[] { new PartKey(Channel.Email), new PartKey(Channel.Sms), new PartKey(Channel.Sms, 3) }.Select(k => k.Column));
    }
}
