using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Alerts.Supporters;

/// <summary>
/// Keyed hashes of contact details: what table keys, look-ups and the suppression list hold instead of
/// addresses, which may contain characters keys forbid and must never appear in logs or URLs.
/// </summary>
internal sealed class ContactHasher(IOptions<SupportersOptions> options)
{
    private readonly byte[] _key = options.Value.HashKeyBytes();

    /// <summary>Addresses are compared case-insensitively; pass the normalised email or E.164 number.</summary>
    public string Hash(Channel channel, string address) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{channel}:{address.Trim().ToLowerInvariant()}")));

    /// <summary>A stable supporter id for a new supporter, so importing the same person twice makes one record.</summary>
    public string NewSupporterId(Channel channel, string address) => "s" + Hash(channel, address)[..23];
}
