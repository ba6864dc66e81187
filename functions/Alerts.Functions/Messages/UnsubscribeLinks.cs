using System.Security.Cryptography;
using System.Text;
using Alerts.Supporters;
using Microsoft.Extensions.Options;

namespace Alerts.Messages;

/// <summary>
/// Unsubscribe links that need no login and never expire: the supporter id and channel, signed with an
/// HMAC key from configuration. Nothing personal is in the link.
/// </summary>
internal sealed class UnsubscribeLinks(IOptions<AlertingOptions> options)
{
    private readonly byte[] _key = Convert.FromBase64String(options.Value.UnsubscribeSigningKey);
    private readonly Uri _base = options.Value.PublicBaseUrl;

    public Uri For(string supporterId, Channel channel) => new(_base, "api/unsubscribe/" + Token(supporterId, channel));

    public string Token(string supporterId, Channel channel)
    {
        string payload = $"{supporterId}.{(channel == Channel.Email ? 'e' : 's')}";
        return payload + "." + Signature(payload);
    }

    /// <summary>The supporter and channel of a genuine token; null for anything forged or malformed.</summary>
    public (string SupporterId, Channel Channel)? Read(string token)
    {
        string[] parts = token.Split('.');
        if (parts.Length != 3 || parts[1] is not ("e" or "s"))
        {
            return null;
        }

        string payload = parts[0] + "." + parts[1];
        byte[] expected = Encoding.ASCII.GetBytes(Signature(payload));
        byte[] given = Encoding.ASCII.GetBytes(parts[2]);
        return CryptographicOperations.FixedTimeEquals(expected, given)
            ? (parts[0], parts[1] == "e" ? Channel.Email : Channel.Sms)
            : null;
    }

    private string Signature(string payload) =>
        Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(payload)))[..22].Replace('+', '-').Replace('/', '_');
}
