namespace Alerts.Supporters;

public sealed class SupporterRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly ChannelConsent WithdrawnOnTheFirst = new(ConsentStatus.Withdrawn, LawfulBasis.Consent, "unsubscribe", new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void KeepsWithdrawal_UnlessTheGrantIsDatedAfterIt()
    {
        Assert.True(SupporterRules.KeepsWithdrawal(WithdrawnOnTheFirst, new ConsentInput { Status = ConsentStatus.Granted }));
        Assert.True(SupporterRules.KeepsWithdrawal(WithdrawnOnTheFirst, new ConsentInput { Status = ConsentStatus.Granted, ObtainedAt = new DateTimeOffset(2026, 1, 15, 0, 0, 0, TimeSpan.Zero) }));
        Assert.True(SupporterRules.KeepsWithdrawal(WithdrawnOnTheFirst, new ConsentInput { Status = ConsentStatus.Granted, ObtainedAt = WithdrawnOnTheFirst.At }));
        Assert.False(SupporterRules.KeepsWithdrawal(WithdrawnOnTheFirst, new ConsentInput { Status = ConsentStatus.Granted, ObtainedAt = WithdrawnOnTheFirst.At!.Value.AddDays(1) }));
        Assert.False(SupporterRules.KeepsWithdrawal(WithdrawnOnTheFirst, new ConsentInput { Status = ConsentStatus.Withdrawn }));
        Assert.False(SupporterRules.KeepsWithdrawal(ChannelConsent.None, new ConsentInput { Status = ConsentStatus.Granted }));
    }

    [Fact]
    public void Apply_AnOldFileOverAWithdrawal_KeepsTheWithdrawal_AndTheRestOfTheRow()
    {
        var previous = new Supporter("s1", "Ola", null, "o@example.org", null, null, null, null, null, EnrichmentStatus.None, [],
            WithdrawnOnTheFirst, ChannelConsent.None, Now.AddDays(-30), Now.AddDays(-9));
        var input = new SupporterInput { FirstName = "Olamide", EmailConsent = new ConsentInput { Status = ConsentStatus.Granted, ObtainedAt = new DateTimeOffset(2026, 1, 15, 0, 0, 0, TimeSpan.Zero) } };
        Assert.Empty(SupporterRules.Validate(input, creating: false, Now, out NormalisedContact contact));

        Supporter next = SupporterRules.Apply(previous, input, contact, "import", Now, "s1", out IReadOnlyList<Channel> kept);

        Assert.Equal([Channel.Email], kept);
        Assert.Equal(WithdrawnOnTheFirst, next.EmailConsent);
        Assert.Equal("Olamide", next.FirstName);
    }

    [Fact]
    public void Apply_TheSameConsentAgain_KeepsWhenItWasFirstRecorded()
    {
        var granted = new ChannelConsent(ConsentStatus.Granted, LawfulBasis.Consent, "petition", Now.AddDays(-100));
        var previous = new Supporter("s1", null, null, "o@example.org", null, null, null, null, null, EnrichmentStatus.None, [], granted, ChannelConsent.None, default, default);
        var input = new SupporterInput { EmailConsent = new ConsentInput { Status = ConsentStatus.Granted, Source = "petition" } };
        SupporterRules.Validate(input, creating: false, Now, out NormalisedContact contact);

        Assert.Equal(granted, SupporterRules.Apply(previous, input, contact, "import", Now, "s1", out _).EmailConsent);
    }

    [Theory]
    [InlineData(false, true, "2026-03-01", "smsConsent.basis")]
    [InlineData(true, false, "2026-03-01", "smsConsent.basis")]
    [InlineData(true, true, "2025-12-01", "smsConsent.obtainedAt")]
    public void Validate_TheSoftOptIn_NeedsItsConditions(bool directly, bool optOutOffered, string obtained, string field)
    {
        var input = new SupporterInput
        {
            Phone = "07400 123456",
            SmsConsent = new ConsentInput { Status = ConsentStatus.Granted, Basis = LawfulBasis.CharitableSoftOptIn, ObtainedDirectly = directly, OptOutOfferedAtCollection = optOutOffered, ObtainedAt = DateTimeOffset.Parse(obtained, System.Globalization.CultureInfo.InvariantCulture) },
        };

        Assert.True(SupporterRules.Validate(input, creating: true, Now, out _).ContainsKey(field));
    }

    [Fact]
    public void Validate_NullOrMalformedTags_AreRefused()
    {
        Assert.True(SupporterRules.Validate(new SupporterInput { Email = "a@example.org", Tags = [null!] }, creating: true, Now, out _).ContainsKey("tags"));
        Assert.True(SupporterRules.Validate(new SupporterInput { Email = "a@example.org", Tags = ["Not A Tag"] }, creating: true, Now, out _).ContainsKey("tags"));
    }

    [Fact]
    public void AllowsSending_OnlyConsentOrAComplete_SoftOptIn()
    {
        Assert.True(new ChannelConsent(ConsentStatus.Granted, LawfulBasis.Consent, "x", Now).AllowsSending);
        Assert.False(new ChannelConsent(ConsentStatus.Withdrawn, LawfulBasis.Consent, "x", Now).AllowsSending);
        Assert.True(new ChannelConsent(ConsentStatus.Granted, LawfulBasis.CharitableSoftOptIn, "x", Now, true, true).AllowsSending);
        Assert.False(new ChannelConsent(ConsentStatus.Granted, LawfulBasis.CharitableSoftOptIn, "x", ChannelConsent.SoftOptInStart.AddDays(-1), true, true).AllowsSending);
    }
}
