using System.Security.Cryptography;
using System.Text;

namespace Alerts.Webhooks;

/// <summary>SendGrid's signed Event Webhook: ECDSA P-256 / SHA-256 over the timestamp header followed by the raw body.</summary>
internal sealed class SendGridSignature(string publicKeyBase64)
{
    private readonly byte[] _publicKey = Convert.FromBase64String(publicKeyBase64);

    public const string SignatureHeader = "X-Twilio-Email-Event-Webhook-Signature";
    public const string TimestampHeader = "X-Twilio-Email-Event-Webhook-Timestamp";

    public bool IsValid(string? signatureBase64, string? timestamp, ReadOnlySpan<byte> rawBody)
    {
        if (string.IsNullOrEmpty(signatureBase64) || string.IsNullOrEmpty(timestamp))
        {
            return false;
        }

        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(signatureBase64);
        }
        catch (FormatException)
        {
            return false;
        }

        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(_publicKey, out _);
        byte[] signed = [.. Encoding.UTF8.GetBytes(timestamp), .. rawBody];
        try
        {
            return ecdsa.VerifyData(signed, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
