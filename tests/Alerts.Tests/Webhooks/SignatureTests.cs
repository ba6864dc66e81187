using System.Security.Cryptography;
using System.Text;
using Twilio.Security;

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

    private const string DocumentedUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";

    private const string DocumentedSignature = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

    [Fact]
    public void Twilio_SdkValidator_AcceptsTheDocumentedVector_AndOurTestSignerMakesIt()
    {
        var twilio = new RequestValidator("12345");

        Assert.True(twilio.Validate(DocumentedUrl, DocumentedParameters, DocumentedSignature));
        Assert.Equal(DocumentedSignature, TwilioTestSignature.Sign("12345", DocumentedUrl, DocumentedParameters));
    }

    [Fact]
    public void Twilio_ParameterOrder_DoesNotMatter_ButTheirValuesDo()
    {
        var twilio = new RequestValidator("12345");
        var reordered = DocumentedParameters.Reverse().ToDictionary();
        var tampered = new Dictionary<string, string>(DocumentedParameters) { ["Digits"] = "9999" };

        Assert.True(twilio.Validate(DocumentedUrl, reordered, DocumentedSignature));
        Assert.False(twilio.Validate(DocumentedUrl, tampered, DocumentedSignature));
    }

    [Fact]
    public void Twilio_WrongUrlOrToken_IsRejected()
    {
        Assert.False(new RequestValidator("12345").Validate("https://mycompany.com/myapp.php?foo=1&bar=3", DocumentedParameters, DocumentedSignature));
        Assert.False(new RequestValidator("54321").Validate(DocumentedUrl, DocumentedParameters, DocumentedSignature));
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
