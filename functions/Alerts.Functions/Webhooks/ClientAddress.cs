using System.Net;

namespace Alerts.Webhooks;

/// <summary>
/// Who is calling, for the anonymous rate limit. <c>X-Forwarded-For</c> is believed only as far as proxies
/// we trust appended to it: its left-most entries are whatever the caller chose to send. Under the Functions
/// host every request comes from the host on loopback, which is then a trusted proxy.
/// </summary>
internal static class ClientAddress
{
    public static string Of(HttpContext context, IReadOnlyList<IPNetwork> trustedProxies, bool behindFunctionsHost)
    {
        IPAddress? client = context.Connection.RemoteIpAddress;
        if (client is null)
        {
            return "unknown";
        }

        string[] forwarded = context.Request.Headers["X-Forwarded-For"].ToString()
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // Walk back from the nearest hop while it is a proxy we trust; the first address it did not add is the caller.
        for (int i = forwarded.Length - 1; i >= 0 && IsTrusted(client, trustedProxies, behindFunctionsHost); i--)
        {
            if (!IPAddress.TryParse(forwarded[i], out IPAddress? hop))
            {
                break;
            }

            client = hop;
        }

        return (client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client).ToString();
    }

    private static bool IsTrusted(IPAddress address, IReadOnlyList<IPNetwork> trustedProxies, bool behindFunctionsHost)
    {
        IPAddress normal = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return (behindFunctionsHost && IPAddress.IsLoopback(normal)) || trustedProxies.Any(network => network.Contains(normal));
    }

    /// <summary>"10.0.0.4, 10.1.0.0/16, ::1": addresses or networks; null names the bad entry.</summary>
    public static IReadOnlyList<IPNetwork>? ParseNetworks(string? setting, out string? bad)
    {
        bad = null;
        var networks = new List<IPNetwork>();
        foreach (string entry in (setting ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPNetwork.TryParse(entry, out IPNetwork network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out IPAddress? address))
            {
                networks.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                bad = entry;
                return null;
            }
        }

        return networks;
    }
}
