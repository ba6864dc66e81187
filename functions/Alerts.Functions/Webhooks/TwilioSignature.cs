using System.Security.Cryptography;
using System.Text;

namespace Alerts.Webhooks;

/// <summary>
/// Twilio's <c>X-Twilio-Signature</c>: HMAC-SHA1 with the auth token over the full public URL followed by
/// each POST parameter's name and value, sorted by name (ordinal). JSON bodies instead carry
/// <c>bodySHA256</c> in the query and are signed over the URL alone. The URL with and without the
/// default port is accepted, as Twilio's own validator does.
/// </summary>
internal sealed class TwilioSignature(string authToken)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(authToken);

    public const string Header = "X-Twilio-Signature";

    public string Compute(string url, IEnumerable<KeyValuePair<string, string>> formParameters)
    {
        var data = new StringBuilder(url);
        foreach (KeyValuePair<string, string> parameter in formParameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            data.Append(parameter.Key).Append(parameter.Value);
        }

#pragma warning disable CA5350 // Twilio defines the signature as HMAC-SHA1; we verify, we do not choose.
        return Convert.ToBase64String(HMACSHA1.HashData(_key, Encoding.UTF8.GetBytes(data.ToString())));
#pragma warning restore CA5350
    }

    public bool IsValidForm(string? signature, Uri url, IEnumerable<KeyValuePair<string, string>> formParameters) =>
        signature is not null && UrlVariants(url).Any(u => SameSignature(signature, Compute(u, formParameters)));

    public bool IsValidJson(string? signature, Uri url, ReadOnlySpan<byte> rawBody)
    {
        string? claimed = System.Web.HttpUtility.ParseQueryString(url.Query)["bodySHA256"];
        string actual = Convert.ToHexStringLower(SHA256.HashData(rawBody));
        return signature is not null && claimed is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(claimed.ToLowerInvariant()), Encoding.ASCII.GetBytes(actual))
            && UrlVariants(url).Any(u => SameSignature(signature, Compute(u, [])));
    }

    private static bool SameSignature(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(given), Encoding.ASCII.GetBytes(expected));

    /// <summary>The URL as given, and with its default port both removed and written out.</summary>
    private static IEnumerable<string> UrlVariants(Uri url)
    {
        yield return url.OriginalString;
        if (url.IsDefaultPort)
        {
            string authority = url.Scheme + "://" + url.Host;
            yield return authority + url.PathAndQuery;
            yield return $"{authority}:{url.Port}{url.PathAndQuery}";
        }
    }
}
