using System.Net;
using System.Text;
using Alerts.Campaigns;
using Alerts.Hosting;
using Alerts.Messages;
using Alerts.Supporters;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Alerts.Channels;

/// <summary>
/// The rule that keeps "never twice", once for both providers: what certainly did not reach the provider is
/// deferred, what may have is unknown. Each provider is driven through a stub transport.
/// </summary>
public sealed class SendOutcomesTests
{
    private static readonly TimeProvider Time = TimeProvider.System;

    public static TheoryData<string> Providers() => ["sendgrid", "twilio"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ConnectionRefused_IsDeferred(string provider)
    {
        DeliveryResult result = await SendAsync(provider, _ => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused"));

        Assert.Equal(new DeliveryResult.Deferred(null, "could not be reached"), result);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Timeout_IsUnknown(string provider) =>
        Assert.Equal(new DeliveryResult.Unknown("timeout"), await SendAsync(provider, _ => throw new TaskCanceledException("timed out")));

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ConnectionLostAfterSending_IsUnknown(string provider) =>
        Assert.Equal(new DeliveryResult.Unknown("connection lost"),
            await SendAsync(provider, _ => throw new HttpRequestException(HttpRequestError.ResponseEnded, "ended")));

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TooManyRequests_IsDeferred_ForAsLongAsAsked(string provider)
    {
        DeliveryResult result = await SendAsync(provider, _ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
            return response;
        });

        Assert.Equal(new DeliveryResult.Deferred(TimeSpan.FromSeconds(7), "asked us to slow down (429)"), result);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ServerError_IsUnknown(string provider) =>
        Assert.Equal(new DeliveryResult.Unknown("503"), await SendAsync(provider, _ => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)));

    [Fact]
    public async Task Twilio_ItsOwnCodes_DecideTheRest()
    {
        Assert.Equal(new DeliveryResult.Rejected("21610", Suppress: true), await SendAsync("twilio", _ => TwilioError(400, 21610)));
        Assert.Equal(new DeliveryResult.Rejected("21408", Suppress: false), await SendAsync("twilio", _ => TwilioError(400, 21408)));
        Assert.True(await SendAsync("twilio", _ => TwilioError(401, 20003)) is DeliveryResult.Deferred { Permanent: true });
        Assert.Equal(new DeliveryResult.Accepted("SM123"), await SendAsync("twilio", _ => new HttpResponseMessage(HttpStatusCode.Created)
        {
            Content = new StringContent("{\"sid\":\"SM123\",\"status\":\"accepted\"}", Encoding.UTF8, "application/json"),
        }));
    }

    [Fact]
    public async Task Twilio_AnAnswerThatSaysSentButCannotBeRead_IsStillSent()
    {
        // Re-sending would send twice; the status callbacks find the message by the delivery id in their URL.
        Assert.Equal(new DeliveryResult.Accepted(null), await SendAsync("twilio", _ => new HttpResponseMessage(HttpStatusCode.Created)
        {
            Content = new StringContent("{\"sid\": ", Encoding.UTF8, "application/json"),
        }));
    }

    [Fact]
    public async Task Twilio_TheSdksRequest_GoesToTheConfiguredBaseAddress_AsTheMessagesForm()
    {
        HttpRequestMessage? seen = null;
        string? form = null;
        await SendAsync("twilio", request =>
        {
            seen = request;
            form = request.Content!.ReadAsStringAsync().GetAwaiter().GetResult();
            return new HttpResponseMessage(HttpStatusCode.Created) { Content = new StringContent("{\"sid\":\"SM1\"}", Encoding.UTF8, "application/json") };
        });

        Assert.Equal("https://provider.test/2010-04-01/Accounts/AC1/Messages.json", seen!.RequestUri!.ToString());
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("AC1:t")), seen.Headers.Authorization!.ToString());
        var fields = System.Web.HttpUtility.ParseQueryString(form!);
        Assert.Equal("+447400123456", fields["To"]);
        Assert.Equal("Hello", fields["Body"]);
        Assert.Equal("MG1", fields["MessagingServiceSid"]);
        Assert.Equal("https://alerts.example.org/api/hooks/twilio/status?d=c1.s.s1", fields["StatusCallback"]);
    }

    [Fact]
    public async Task SendGrid_ItsOwnStatuses_DecideTheRest()
    {
        Assert.True(await SendAsync("sendgrid", _ => new HttpResponseMessage(HttpStatusCode.Unauthorized)) is DeliveryResult.Deferred { Permanent: true });
        Assert.Equal(new DeliveryResult.Rejected("400", Suppress: false), await SendAsync("sendgrid", _ => new HttpResponseMessage(HttpStatusCode.BadRequest)));
        HttpResponseMessage accepted = new(HttpStatusCode.Accepted);
        accepted.Headers.Add("X-Message-Id", "sg1");
        Assert.Equal(new DeliveryResult.Accepted("sg1"), await SendAsync("sendgrid", _ => accepted));
    }

    [Fact]
    public void CertainlyNotSent_OnlyAFailureToConnect_OrABodyNotWritten()
    {
        Assert.True(SendOutcomes.CertainlyNotSent(new HttpRequestException(HttpRequestError.ConnectionError, "refused")));
        Assert.True(SendOutcomes.CertainlyNotSent(new HttpRequestException(HttpRequestError.NameResolutionError, "dns")));
        Assert.True(SendOutcomes.CertainlyNotSent(new RequestNotSentException(new HttpRequestException("broken pipe"))));
        Assert.False(SendOutcomes.CertainlyNotSent(new HttpRequestException(HttpRequestError.ResponseEnded, "reset after sending")));
        Assert.False(SendOutcomes.CertainlyNotSent(new TaskCanceledException("timeout")));
    }

    private static HttpResponseMessage TwilioError(int status, int code) => new((HttpStatusCode)status)
    {
        Content = new StringContent($"{{\"code\":{code},\"message\":\"x\",\"status\":{status}}}", Encoding.UTF8, "application/json"),
    };

    private static async Task<DeliveryResult> SendAsync(string provider, Func<HttpRequestMessage, HttpResponseMessage> answer)
    {
        using var metrics = new AlertsMetrics();
        var twilioOptions = Options.Create(new TwilioOptions { AccountSid = "AC1", AuthToken = "t", MessagingServiceSid = "MG1", BaseAddress = new Uri("https://provider.test/2010-04-01/") });
        using var http = new HttpClient(provider == "twilio" ? new TwilioBaseAddressHandler(twilioOptions) { InnerHandler = new Stub(answer) } : new Stub(answer));
        var values = new Dictionary<string, string> { ["unsubscribe_link"] = "https://alerts.example.org/api/unsubscribe/x", ["first_name"] = "Sam" };
        var message = new OutgoingMessage("c1.e.s1", "s1", "a@example.org", "Sam", new RenderedMessage(values, "Subject", "Text", "<p>Html</p>"));
        if (provider == "twilio")
        {
            var twilio = new TwilioSmsClient(http, twilioOptions, metrics, Time);
            return await twilio.SendAsync("+447400123456", "Hello", new Uri("https://alerts.example.org/api/hooks/twilio/status?d=c1.s.s1"));
        }

        var sendGrid = new SendGridEmailChannel(http, Options.Create(new SendGridOptions { ApiKey = "SG.x", Host = new Uri("https://provider.test") }),
            Options.Create(new AlertingOptions { CharityName = "Charity", FromEmail = "from@example.org" }), metrics, Time, NullLogger<SendGridEmailChannel>.Instance);
        var content = new CampaignContent { Name = "c", SegmentId = "s", Channels = [Channel.Email], Email = new EmailContent(null, "{{first_name}}", "<a href=\"{{unsubscribe_link}}\">x</a>", "{{unsubscribe_link}}") };
        return Assert.Single(await sendGrid.SendAsync(content, "c1", [message]));
    }

    private sealed class Stub(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(answer(request));
    }
}
