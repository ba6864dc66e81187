using System.Security.Cryptography;
using System.Text;

namespace Alerts;

/// <summary>
/// Signs a request as Twilio does, for tests: base64 HMAC-SHA1 with the auth token over the URL followed by
/// each POST parameter's name and value, sorted by name. Checked against Twilio's documented vector.
/// </summary>
internal static class TwilioTestSignature
{
    public static string Sign(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form)
    {
        var data = new StringBuilder(url);
        foreach (KeyValuePair<string, string> parameter in form.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            data.Append(parameter.Key).Append(parameter.Value);
        }

#pragma warning disable CA5350 // Twilio defines the signature as HMAC-SHA1.
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
#pragma warning restore CA5350
    }
}
