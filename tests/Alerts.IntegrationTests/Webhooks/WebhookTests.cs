using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Alerts.Fakes;
using Alerts.Campaigns;

namespace Alerts.Webhooks;

/// <summary>Provider callbacks signed with test keys the way SendGrid and Twilio sign them, against real Azurite.</summary>
public sealed class WebhookTests : IAsyncLifetime
{
    private readonly ECDsa _sendGridKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private CampaignsTestApp _t = null!;

    public async Task InitializeAsync() =>
        _t = await CampaignsTestApp.StartAsync(providers: true, app => app
            .WithSetting("Webhooks:SendGridPublicKey", Convert.ToBase64String(_sendGridKey.ExportSubjectPublicKeyInfo()))
            .WithSetting("SendGrid:RequestTimeout", "00:00:30")); // SendGrid may take its time to answer here: reports can come first

    public async Task DisposeAsync()
    {
        await _t.DisposeAsync();
        _sendGridKey.Dispose();
    }

    private async Task<(string Segment, string Campaign)> SendAsync(string[] channels, int supporters = 4)
    {
        await _t.ImportAsync(Enumerable.Range(0, supporters).Select(i => $"s{i}@example.org,+4474{(30000000 + i).ToString(CultureInfo.InvariantCulture)},P{i},asylum,yes,yes"));
        string segment = await _t.CreateSegmentAsync(new { name = "All", tagsAny = new[] { "asylum" } });
        string campaign = await _t.CreateApprovedCampaignAsync(segment, channels);
        await _t.PostAsync($"/api/v1/campaigns/{campaign}/send", new { });
        await _t.PumpAsync();
        return (segment, campaign);
    }

    private async Task<int> NextCampaignRecipientsAsync(string segment, string channel)
    {
        string next = (await _t.PostAsync("/api/v1/campaigns", CampaignsTestApp.Campaign(segment, [channel])))["id"]!.GetValue<string>();
        return (await _t.PostAsync($"/api/v1/campaigns/{next}/preview", new { }))[channel]!["recipients"]!.GetValue<int>();
    }

    private Task<HttpResponseMessage> PostSendGridAsync(string json, DateTimeOffset? at = null, bool forge = false)
    {
        byte[] body = Encoding.UTF8.GetBytes(json);
        string timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        byte[] signature = _sendGridKey.SignData([.. Encoding.UTF8.GetBytes(timestamp), .. body], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        if (forge)
        {
            body = Encoding.UTF8.GetBytes(json.Replace("bounce", "delivered", StringComparison.Ordinal));
        }

        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/hooks/sendgrid", UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Twilio-Email-Event-Webhook-Signature", Convert.ToBase64String(signature));
        request.Headers.Add("X-Twilio-Email-Event-Webhook-Timestamp", timestamp);
        return _t.Client.SendAsync(request);
    }

    private Task<HttpResponseMessage> PostTwilioAsync(string pathAndQuery, Dictionary<string, string> form, string? token = FakeTwilio.AuthToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(pathAndQuery, UriKind.Relative)) { Content = new FormUrlEncodedContent(form) };
        if (token is not null)
        {
            request.Headers.Add("X-Twilio-Signature", TwilioTestSignature.Sign(token, "https://alerts.example.org" + pathAndQuery, form));
        }

        return _t.Client.SendAsync(request);
    }

    private static string Sid(int n) => "SM" + n.ToString("D32", CultureInfo.InvariantCulture);

    private string EventsJson(string campaign, params (string Email, string Event)[] events) =>
        "[" + string.Join(",", events.Select(e =>
        {
            string supporter = _t.SendGrid!.Delivered.Single(d => d.Email == e.Email).DeliveryId;
            return $$"""{"email":"{{e.Email}}","timestamp":1700000000,"event":"{{e.Event}}","sg_event_id":"{{Guid.NewGuid():N}}","sg_message_id":"m1","delivery_id":"{{supporter}}","campaign_id":"{{campaign}}","type":"bounce"}""";
        })) + "]\r\n";

    [Fact]
    public async Task SendGridBounceAndSpamReport_SuppressThoseSupporters_ForTheNextCampaign_AndDuplicatesChangeNothing()
    {
        (string segment, string campaign) = await SendAsync(["email"]);
        string json = EventsJson(campaign, ("s0@example.org", "bounce"), ("s1@example.org", "spamreport"), ("s2@example.org", "delivered"));

        Assert.Equal(HttpStatusCode.OK, (await PostSendGridAsync(json)).StatusCode);
        JsonObject first = await _t.ReportAsync(campaign);
        Assert.Equal(HttpStatusCode.OK, (await PostSendGridAsync(json)).StatusCode);
        JsonObject second = await _t.ReportAsync(campaign);

        Assert.Equal(1, first["channels"]!["email"]!["byStatus"]!["bounced"]!.GetValue<int>());
        Assert.Equal(1, first["channels"]!["email"]!["byStatus"]!["delivered"]!.GetValue<int>());
        Assert.Equal(first.ToJsonString(), second.ToJsonString());
        Assert.Equal(2, await NextCampaignRecipientsAsync(segment, "email"));
        JsonObject s1 = await _t.PostAsync("/api/v1/supporters/find", new { email = "s1@example.org" });
        Assert.Equal("withdrawn", s1["emailConsent"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task SendGridEventsArrivingBeforeTheCallsAnswerIsRecorded_AreKept_AndNotOverwrittenBySent()
    {
        await _t.ImportAsync(Enumerable.Range(0, 4).Select(i => $"s{i}@example.org,,P{i},asylum,yes,no"));
        string segment = await _t.CreateSegmentAsync(new { name = "All", tagsAny = new[] { "asylum" } });
        string campaign = await _t.CreateApprovedCampaignAsync(segment, ["email"]);
        _t.SendGrid!.Then(new FakeReply(202, Processed: true, Delay: TimeSpan.FromSeconds(5))); // SendGrid reports before it answers

        await _t.PostAsync($"/api/v1/campaigns/{campaign}/send", new { });
        Task<int> pump = _t.PumpAsync();
        while (_t.SendGrid.Delivered.Count < 4)
        {
            await Task.Delay(20);
        }

        string json = EventsJson(campaign, ("s0@example.org", "delivered"), ("s1@example.org", "bounce"));
        Assert.Equal(HttpStatusCode.OK, (await PostSendGridAsync(json)).StatusCode);
        Assert.False(pump.IsCompleted); // the call's answer is not in yet
        Assert.Equal(0, await pump);

        JsonObject email = (await _t.ReportAsync(campaign))["channels"]!["email"]!["byStatus"]!.AsObject();
        Assert.Equal((2, 1, 1, 0), (email["sent"]!.GetValue<int>(), email["delivered"]!.GetValue<int>(), email["bounced"]!.GetValue<int>(), email["unknown"]!.GetValue<int>()));
        Assert.Equal(4, _t.SendGrid.Delivered.Count);
        Assert.Equal(HttpStatusCode.OK, (await PostSendGridAsync(json)).StatusCode); // the same report again changes nothing
        Assert.Equal(email.ToJsonString(), (await _t.ReportAsync(campaign))["channels"]!["email"]!["byStatus"]!.ToJsonString());
    }

    [Fact]
    public async Task SendGridForgedOrStale_IsRejectedAndChangesNothing()
    {
        (string segment, string campaign) = await SendAsync(["email"]);
        string json = EventsJson(campaign, ("s0@example.org", "bounce"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostSendGridAsync(json, forge: true)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostSendGridAsync(json, at: DateTimeOffset.UtcNow.AddHours(-1))).StatusCode);
        var unsigned = await _t.Client.PostAsync(new Uri("/api/hooks/sendgrid", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);

        Assert.Equal(4, await NextCampaignRecipientsAsync(segment, "email"));
        Assert.Equal(0, (await _t.ReportAsync(campaign))["channels"]!["email"]!["byStatus"]!["bounced"]!.GetValue<int>());
    }

    [Fact]
    public async Task SmsStop_SuppressesTheNumber_ForTheNextSmsCampaign_ForgeriesAndReplaysChangeNothing()
    {
        (string segment, _) = await SendAsync(["sms"]);
        var stop = new Dictionary<string, string> { ["MessageSid"] = Sid(1), ["From"] = "+447430000001", ["To"] = "+447000000000", ["Body"] = " stop ", ["AccountSid"] = FakeTwilio.AccountSid };

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostTwilioAsync("/api/hooks/twilio/inbound", stop, token: "not-the-token")).StatusCode);
        HttpResponseMessage unsigned = await PostTwilioAsync("/api/hooks/twilio/inbound", stop, token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.NotEmpty(unsigned.Headers.WwwAuthenticate);
        Assert.Equal(4, await NextCampaignRecipientsAsync(segment, "sms"));

        HttpResponseMessage accepted = await PostTwilioAsync("/api/hooks/twilio/inbound", stop);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Contains("<Response>", await accepted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(3, await NextCampaignRecipientsAsync(segment, "sms"));

        // START lifts it and is recorded as the supporter's own new consent; replaying the old STOP afterwards changes nothing.
        var start = new Dictionary<string, string>(stop) { ["MessageSid"] = Sid(2), ["Body"] = "START" };
        await PostTwilioAsync("/api/hooks/twilio/inbound", start);
        Assert.Equal(4, await NextCampaignRecipientsAsync(segment, "sms"));
        JsonObject supporter = await _t.PostAsync("/api/v1/supporters/find", new { phone = "+447430000001" });
        Assert.Equal(("granted", "sms-start"), (supporter["smsConsent"]!["status"]!.GetValue<string>(), supporter["smsConsent"]!["source"]!.GetValue<string>()));
        await PostTwilioAsync("/api/hooks/twilio/inbound", stop);
        Assert.Equal(4, await NextCampaignRecipientsAsync(segment, "sms"));
    }

    [Fact]
    public async Task TwilioStatusCallback_UpdatesTheLedger_OnlyForwards()
    {
        (_, string campaign) = await SendAsync(["sms"], supporters: 1);
        string callback = _t.Twilio!.Delivered.Single().Callback;
        string pathAndQuery = new Uri(callback).PathAndQuery;

        await PostTwilioAsync(pathAndQuery, new() { ["MessageSid"] = Sid(9), ["MessageStatus"] = "delivered" });
        await PostTwilioAsync(pathAndQuery, new() { ["MessageSid"] = Sid(9), ["MessageStatus"] = "sent" }); // late, older news
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostTwilioAsync(pathAndQuery.Replace(".s.", ".e.", StringComparison.Ordinal), new() { ["MessageStatus"] = "failed" }, token: "forged")).StatusCode);

        Assert.Equal(1, (await _t.ReportAsync(campaign))["channels"]!["sms"]!["byStatus"]!["delivered"]!.GetValue<int>());
    }

    [Fact]
    public async Task OneClickUnsubscribe_SuppressesAtOnce_AndABadTokenChangesNothing()
    {
        (string segment, _) = await SendAsync(["email"]);
        string link = _t.SendGrid!.Delivered.First(d => d.Email == "s0@example.org").Personalization["headers"]!["List-Unsubscribe"]!.GetValue<string>().Trim('<', '>');
        string path = new Uri(link).PathAndQuery;

        HttpResponseMessage page = await _t.Client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        // Its URL is a secret: never a referrer; nothing runs but its own style; no other site may frame it.
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("<form method=\"post\">", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(4, await NextCampaignRecipientsAsync(segment, "email")); // a GET changes nothing

        HttpResponseMessage forged = await _t.Client.PostAsync(new Uri(path[..^3] + "abc", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" }));
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        Assert.Equal(4, await NextCampaignRecipientsAsync(segment, "email"));

        HttpResponseMessage oneClick = await _t.Client.PostAsync(new Uri(path, UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" }));
        Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);
        Assert.Equal(3, await NextCampaignRecipientsAsync(segment, "email"));
    }

    [Fact]
    public async Task TwilioWebhook_OversizeMalformedOrOddValues_Are4xx_SignedOrNot()
    {
        var huge = new Dictionary<string, string> { ["MessageSid"] = Sid(3), ["From"] = "+447430000001", ["Body"] = new string('x', 1_600_000) };
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await PostTwilioAsync("/api/hooks/twilio/inbound", huge)).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await PostTwilioAsync("/api/hooks/twilio/inbound", huge, token: null)).StatusCode);

        var longKey = new Dictionary<string, string> { [new string('k', 2048)] = "v", ["MessageSid"] = Sid(4), ["From"] = "+447430000001" };
        Assert.Equal(HttpStatusCode.BadRequest, (await PostTwilioAsync("/api/hooks/twilio/inbound", longKey)).StatusCode);

        foreach (string sid in new[] { "../..", "SM" + new string('a', 5000), "" })
        {
            var form = new Dictionary<string, string> { ["MessageSid"] = sid, ["From"] = "+447430000001", ["Body"] = "STOP" };
            HttpResponseMessage response = await PostTwilioAsync("/api/hooks/twilio/inbound", form);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{sid[..Math.Min(10, sid.Length)]}: {(int)response.StatusCode}");
        }

        var nul = new Dictionary<string, string> { ["MessageSid"] = Sid(5), ["From"] = "\0", ["Body"] = "STOP" };
        Assert.Equal(HttpStatusCode.OK, (await PostTwilioAsync("/api/hooks/twilio/inbound", nul)).StatusCode); // signed, harmless, ignored
    }

    [Fact]
    public async Task AnonymousRateLimit_CannotBeDodgedWithAnInventedForwardedFor()
    {
        await using CampaignsTestApp limited = await CampaignsTestApp.StartAsync(providers: false, app => app.WithSetting("Webhooks:RequestsPerMinute", "20"));
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 30; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/unsubscribe/not-a-token", UriKind.Relative));
            request.Headers.Add("X-Forwarded-For", $"203.0.113.{i}");
            statuses.Add((await limited.Client.SendAsync(request)).StatusCode);
        }

        Assert.Equal(20, statuses.Count(s => s == HttpStatusCode.NotFound));
        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }
}
