namespace Alerts.Supporters;

public sealed class ContactValidationTests
{
    [Theory]
    [InlineData("someone@example.org", "someone@example.org")]
    [InlineData("  Someone@Example.ORG ", "Someone@example.org")]
    [InlineData("o'brien+alerts@sub.example.co.uk", "o'brien+alerts@sub.example.co.uk")]
    public void NormaliseEmail_Valid(string input, string expected)
    {
        Assert.Equal(expected, ContactValidation.NormaliseEmail(input, out string? error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("a b@example.org")]            // MailAddress would read this as b@example.org
    [InlineData("Name <a@example.org>")]       // a display name is not an address
    [InlineData("a@b")]
    [InlineData("a@b.")]
    [InlineData("a@@example.org")]
    [InlineData("a@example..org")]
    [InlineData("")]
    public void NormaliseEmail_Invalid(string input)
    {
        Assert.Null(ContactValidation.NormaliseEmail(input, out string? error));
        Assert.NotNull(error);
    }

    [Theory]
    [InlineData("07400 123456", "+447400123456")]
    [InlineData("+44 (0)7400 123456", "+447400123456")]
    [InlineData("447400123456", "+447400123456")]
    [InlineData("07911 123456", "+447911123456")] // Guernsey
    [InlineData("07797 123456", "+447797123456")] // Jersey
    [InlineData("07624 123456", "+447624123456")] // Isle of Man
    public void NormaliseMobile_Valid(string input, string expected)
    {
        Assert.Equal(expected, ContactValidation.NormaliseMobile(input, out string? error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("07700 900123")]           // Ofcom drama range
    [InlineData("999")]
    [InlineData("020 7946 0018")]          // landline
    [InlineData("+447400123456 ext. 12")]  // extensions would be dropped silently
    [InlineData("phone me")]
    public void NormaliseMobile_Invalid(string input)
    {
        Assert.Null(ContactValidation.NormaliseMobile(input, out string? error));
        Assert.NotNull(error);
    }

    [Theory]
    [InlineData("07700 900123")]
    [InlineData("+44 7700 900999")]
    public void NormaliseMobile_OfcomDramaRange_SaysItIsFictional(string input)
    {
        Assert.Null(ContactValidation.NormaliseMobile(input, out string? error));
        Assert.Contains("fictional", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sw1a1aa", "SW1A 1AA")]
    [InlineData("CF24 3AA", "CF24 3AA")]
    [InlineData(" m1  1ae ", "M1 1AE")]
    public void NormalisePostcode_Valid(string input, string expected) =>
        Assert.Equal(expected, ContactValidation.NormalisePostcode(input, out _));

    [Theory]
    [InlineData("asylum", true)]
    [InlineData("modern-slavery", true)]
    [InlineData("Asylum", false)]
    [InlineData("has space", false)]
    [InlineData("1st", false)]
    public void ValidateTag(string tag, bool valid) => Assert.Equal(valid, ContactValidation.ValidateTag(tag) is null);

    [Fact]
    public void SoftOptIn_AllowsSendingOnlyWithItsConditions()
    {
        var valid = new ChannelConsent(ConsentStatus.Granted, LawfulBasis.CharitableSoftOptIn, "stall", new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), true, true);

        Assert.True(valid.AllowsSending);
        Assert.False((valid with { ObtainedDirectly = false }).AllowsSending);
        Assert.False((valid with { OptOutOfferedAtCollection = false }).AllowsSending);
        Assert.False((valid with { At = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) }).AllowsSending);
        Assert.False((valid with { Status = ConsentStatus.Withdrawn }).AllowsSending);
    }
}
