using Alerts.Campaigns;
using Alerts.Channels;
using Alerts.Supporters;
using Microsoft.Extensions.Options;

namespace Alerts.Messages;

public sealed class MessageRendererTests
{
    private static readonly AlertingOptions Alerting = new()
    {
        CharityName = "Refugee Rights Network",
        PublicBaseUrl = new Uri("https://alerts.example.org/"),
        FromEmail = "alerts@example.org",
        UnsubscribeSigningKey = Convert.ToBase64String(new byte[32]),
    };

    private static readonly CampaignContent Content = new()
    {
        Name = "Report stage",
        SegmentId = "seg1",
        Channels = [Channel.Email, Channel.Sms],
        Email = new EmailContent(null, "{{first_name}}, {{bill_title}} is at {{stage}}", "<p>Ask {{mp_name}}</p><a href=\"{{unsubscribe_link}}\">x</a>", "Ask {{mp_name}} {{unsubscribe_link}}"),
        Sms = "{{first_name}}, {{bill_title}} is at {{stage}} on {{sitting_date}}. {{action_link}}",
        ActionLink = new Uri("https://example.org/act"),
        Bill = new BillContext(3023, "Nationality & Borders Bill", "Report stage", "Commons", new DateOnly(2021, 12, 7), null),
    };

    private static MessageRenderer Renderer(bool acceptsReplies = true) =>
        new(Options.Create(new TwilioOptions { SenderAcceptsReplies = acceptsReplies }), new UnsubscribeLinks(Options.Create(Alerting)));

    private static MessageContext Context(CampaignContent? content = null) => new("c1", content ?? Content, Alerting.CharityName);

    private static Supporter Supporter(string? firstName = "Amira", string? mp = "Jane <Smith>") => new(
        "s1", firstName, null, "a@example.org", "+447400123456", null, null, mp, 1, EnrichmentStatus.Done, [],
        ChannelConsent.None, ChannelConsent.None, default, default);

    [Fact]
    public void Render_Email_FillsEachPlaceholder_EncodingValuesInTheHtmlBodyOnly()
    {
        MessageRenderer renderer = Renderer();

        RenderedMessage email = renderer.Render(Context(), renderer.RecipientFor(Supporter(), Channel.Email), Channel.Email);

        Assert.Equal("Amira, Nationality & Borders Bill is at Report stage", email.Subject);
        Assert.StartsWith("Ask Jane <Smith> https://alerts.example.org/api/unsubscribe/s1.e.", email.Text, StringComparison.Ordinal);
        Assert.StartsWith("<p>Ask Jane &lt;Smith&gt;</p><a href=\"https://alerts.example.org/api/unsubscribe/s1.e.", email.Html, StringComparison.Ordinal);
        Assert.Equal(email.UnsubscribeLink, email.Values["unsubscribe_link"]);
    }

    [Fact]
    public void Render_Sms_NamesTheCharityAndEndsWithAWayOut()
    {
        RenderedMessage sms = Renderer().Render(Context(), Renderer().RecipientFor(Supporter(), Channel.Sms), Channel.Sms);
        RenderedMessage oneWay = Renderer(acceptsReplies: false).Render(Context(), Renderer().RecipientFor(Supporter(), Channel.Sms), Channel.Sms);

        Assert.Equal("Refugee Rights Network: Amira, Nationality & Borders Bill is at Report stage on Tuesday 7 December. https://example.org/act Reply STOP to opt out.", sms.Text);
        Assert.Contains(" Opt out: https://alerts.example.org/api/unsubscribe/s1.s.", oneWay.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Reply STOP", oneWay.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Sms_ThatAlreadyNamesTheCharity_IsNotPrefixed()
    {
        CampaignContent content = Content with { Sms = "From Refugee Rights Network: act now {{action_link}}" };

        RenderedMessage sms = Renderer().Render(Context(content), Renderer().SampleFor(Channel.Sms), Channel.Sms);

        Assert.StartsWith("From Refugee Rights Network: act now", sms.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_WhatIsMissing_ReadsTheSameInPreviewAndInTheRealSend()
    {
        CampaignContent noBill = Content with { Bill = null };
        MessageRenderer renderer = Renderer();

        RenderedMessage real = renderer.Render(Context(noBill), renderer.RecipientFor(Supporter(firstName: null, mp: null), Channel.Email), Channel.Email);

        Assert.Equal("friend, the bill is at its next stage", real.Subject);
        Assert.StartsWith("Ask your MP ", real.Text, StringComparison.Ordinal);
        RenderedMessage sample = renderer.Render(Context(noBill), renderer.SampleFor(Channel.Email), Channel.Email);
        Assert.Equal("Sam, the bill is at its next stage", sample.Subject); // the sample differs only in who it is for
    }

    [Fact]
    public void Render_FromATemplate_ShowsTheDataSendGridGets()
    {
        CampaignContent template = Content with { Email = new EmailContent("d-123", null, null, null) };

        RenderedMessage email = Renderer().Render(Context(template), Renderer().SampleFor(Channel.Email), Channel.Email);

        Assert.Equal("(SendGrid template d-123)", email.Subject);
        Assert.Contains("\"first_name\":\"Sam\"", email.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Hi {{first_name}} and {{ mp_name }}", new string[0])]
    [InlineData("Hi {{firstname}} {{FIRST_NAME}} {{nope}} {{nope}}", new[] { "firstname", "nope" })]
    public void Unknown_NamesEachUnknownPlaceholderOnce(string template, string[] unknown) =>
        Assert.Equal(unknown, Placeholders.Unknown(template));

    [Fact]
    public void EveryPlaceholder_IsInTheReadme()
    {
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));

        Assert.All(Placeholders.Names, name => Assert.Contains("{{" + name + "}}", readme, StringComparison.Ordinal));
    }
}
