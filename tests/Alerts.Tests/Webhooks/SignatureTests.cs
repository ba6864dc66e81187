using System.Security.Cryptography;
using System.Text;

namespace Alerts.Webhooks;

public sealed class SignatureTests
{
    // The worked example in Twilio's request-validation documentation, used by its official libraries' tests.
    private static readonly Dictionary<string, string> DocumentedParameters = new()
    {
        ["CallSid"] = "CA1234567890ABCDE",
        ["Caller"] = "+14158675309",
        ["Digits"] = "1234",
        ["From"] = "+14158675309",
        ["To"] = "+18005551212",
    };

    private static readonly Uri DocumentedUrl = new("https://mycompany.com/myapp.php?foo=1&bar=2");

    [Fact]
    public void Twilio_DocumentedVector_Matches()
    {
        var twilio = new TwilioSignature("12345");

        Assert.Equal("RSOYDt4T1cUTdK1PDd93/VVr8B8=", twilio.Compute(DocumentedUrl.OriginalString, DocumentedParameters));
        Assert.True(twilio.IsValidForm("RSOYDt4T1cUTdK1PDd93/VVr8B8=", DocumentedUrl, DocumentedParameters));
    }

    [Fact]
    public void Twilio_ParameterOrder_DoesNotMatter_ButTheirValuesDo()
    {
        var twilio = new TwilioSignature("12345");
        var reordered = DocumentedParameters.Reverse().ToDictionary();
        var tampered = new Dictionary<string, string>(DocumentedParameters) { ["Digits"] = "9999" };

        Assert.True(twilio.IsValidForm("RSOYDt4T1cUTdK1PDd93/VVr8B8=", DocumentedUrl, reordered));
        Assert.False(twilio.IsValidForm("RSOYDt4T1cUTdK1PDd93/VVr8B8=", DocumentedUrl, tampered));
    }

    [Fact]
    public void Twilio_WrongUrlOrToken_IsRejected()
    {
        Assert.False(new TwilioSignature("12345").IsValidForm("RSOYDt4T1cUTdK1PDd93/VVr8B8=", new Uri("https://mycompany.com/myapp.php?foo=1&bar=3"), DocumentedParameters));
        Assert.False(new TwilioSignature("54321").IsValidForm("RSOYDt4T1cUTdK1PDd93/VVr8B8=", DocumentedUrl, DocumentedParameters));
        Assert.False(new TwilioSignature("12345").IsValidForm(null, DocumentedUrl, DocumentedParameters));
    }

    [Fact]
    public void Twilio_DefaultPortVariants_AreAccepted()
    {
        var twilio = new TwilioSignature("12345");
        string signedWithPort = twilio.Compute("https://mycompany.com:443/myapp.php?foo=1&bar=2", DocumentedParameters);

        Assert.True(twilio.IsValidForm(signedWithPort, DocumentedUrl, DocumentedParameters));
        Assert.True(twilio.IsValidForm("RSOYDt4T1cUTdK1PDd93/VVr8B8=", new Uri("https://mycompany.com:443/myapp.php?foo=1&bar=2"), DocumentedParameters));
    }

    [Fact]
    public void Twilio_JsonBody_IsCheckedThroughBodySha256()
    {
        var twilio = new TwilioSignature("12345");
        byte[] body = Encoding.UTF8.GetBytes("{\"MessageSid\":\"SM1\"}");
        var url = new Uri("https://alerts.example.org/api/hooks/twilio/status?bodySHA256=" + Convert.ToHexStringLower(SHA256.HashData(body)));
        string signature = twilio.Compute(url.OriginalString, []);

        Assert.True(twilio.IsValidJson(signature, url, body));
        Assert.False(twilio.IsValidJson(signature, url, Encoding.UTF8.GetBytes("{\"MessageSid\":\"SM2\"}")));
    }

    [Fact]
    public void SendGrid_SignedOverTimestampAndRawBody()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var sendGrid = new SendGridSignature(Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()));
        byte[] body = Encoding.UTF8.GetBytes("[{\"email\":\"a@example.org\",\"event\":\"bounce\"}]\r\n");
        const string timestamp = "1700000000";
        string signature = Convert.ToBase64String(key.SignData([.. Encoding.UTF8.GetBytes(timestamp), .. body], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        Assert.True(sendGrid.IsValid(signature, timestamp, body));
        Assert.False(sendGrid.IsValid(signature, timestamp, body.AsSpan(0, body.Length - 2)));        // trailing CRLF stripped
        Assert.False(sendGrid.IsValid(signature, "1700000001", body));                                 // another timestamp
        Assert.False(sendGrid.IsValid(signature, timestamp, Encoding.UTF8.GetBytes("[{\"email\":\"b@example.org\",\"event\":\"bounce\"}]\r\n")));
        Assert.False(sendGrid.IsValid("not base64!", timestamp, body));
        Assert.False(sendGrid.IsValid(null, timestamp, body));
    }
}
