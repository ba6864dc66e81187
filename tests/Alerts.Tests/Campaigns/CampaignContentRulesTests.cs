using Alerts.Supporters;

namespace Alerts.Campaigns;

public sealed class CampaignContentRulesTests
{
    private static readonly CampaignContent Valid = new()
    {
        Name = "Report stage",
        SegmentId = "seg1",
        Channels = [Channel.Email, Channel.Sms],
        Email = new EmailContent(null, "{{first_name}}", "<a href=\"{{unsubscribe_link}}\">x</a>", "{{unsubscribe_link}}"),
        Sms = "Act: {{action_link}}",
        ActionLink = new Uri("https://example.org/act"),
    };

    [Fact]
    public void Validate_AValidCampaign_HasNoErrors() => Assert.Empty(CampaignContentRules.Validate(Valid));

    [Fact]
    public void Validate_AnEmailWithoutItsUnsubscribeLink_IsRefused()
    {
        var errors = CampaignContentRules.Validate(Valid with { Email = Valid.Email! with { Text = "no way out" } });

        Assert.Equal(["Both bodies must show the {{unsubscribe_link}}."], errors["email"]);
    }

    [Fact]
    public void Validate_UnknownPlaceholders_AreNamedPerField()
    {
        var errors = CampaignContentRules.Validate(Valid with { Sms = "{{mp_surname}}", Email = Valid.Email! with { Subject = "{{firstname}}" } });

        Assert.Contains("mp_surname", errors["sms"][0], StringComparison.Ordinal);
        Assert.Contains("firstname", errors["email.subject"][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("relative/link")]
    [InlineData("ftp://example.org/x")]
    public void Validate_AnActionLinkThatIsNotAWebAddress_IsRefused(string link) =>
        Assert.True(CampaignContentRules.Validate(Valid with { ActionLink = new Uri(link, UriKind.RelativeOrAbsolute) }).ContainsKey("actionLink"));

    [Fact]
    public void Validate_TextTooLongForOneRow_IsRefusedByField()
    {
        var errors = CampaignContentRules.Validate(Valid with { Email = Valid.Email! with { Html = new string('x', 100_001) + "{{unsubscribe_link}}" } });

        Assert.Equal(["At most 100,000 characters."], errors["email.html"]);
    }

    [Fact]
    public void ChannelErrors_AChannelTheSegmentIsNotFor_IsNamed()
    {
        var segment = new Segments.Segment("seg1", new Segments.SegmentDefinition { Name = "Email list", Channels = [Channel.Email] }, default, default);

        Assert.Contains("for email only; remove sms", CampaignContentRules.ChannelErrors(Valid, segment)["channels"][0], StringComparison.Ordinal);
        Assert.Empty(CampaignContentRules.ChannelErrors(Valid with { Channels = [Channel.Email] }, segment));
    }
}
