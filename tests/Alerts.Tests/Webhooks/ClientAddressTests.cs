using System.Net;
using Microsoft.AspNetCore.Http;

namespace Alerts.Webhooks;

public sealed class ClientAddressTests
{
    private static readonly IReadOnlyList<IPNetwork> Proxies = ClientAddress.ParseNetworks("10.0.0.4, 10.9.0.0/16", out _)!;

    [Theory]
    [InlineData("198.51.100.7", null, false, "198.51.100.7")]
    [InlineData("198.51.100.7", "203.0.113.1", false, "198.51.100.7")] // a caller's own header is not believed
    [InlineData("10.0.0.4", "203.0.113.1", false, "203.0.113.1")] // a trusted proxy's is
    [InlineData("10.0.0.4", "1.2.3.4, 203.0.113.1", false, "203.0.113.1")] // only the entry the proxy appended
    [InlineData("10.0.0.4", "203.0.113.1, 10.9.1.2", false, "203.0.113.1")] // through two trusted proxies
    [InlineData("127.0.0.1", "203.0.113.1", true, "203.0.113.1")] // the Functions host on loopback
    [InlineData("127.0.0.1", "203.0.113.1", false, "127.0.0.1")] // loopback without the host is just loopback
    [InlineData("10.0.0.4", "not an address", false, "10.0.0.4")]
    public void Of_BelievesForwardedForOnlyFromTrustedProxies(string remote, string? forwarded, bool behindHost, string expected)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        if (forwarded is not null)
        {
            context.Request.Headers["X-Forwarded-For"] = forwarded;
        }

        Assert.Equal(expected, ClientAddress.Of(context, Proxies, behindHost));
    }

    [Fact]
    public void ParseNetworks_NamesTheEntryItCannotRead()
    {
        Assert.Null(ClientAddress.ParseNetworks("10.0.0.1, nonsense", out string? bad));
        Assert.Equal("nonsense", bad);
    }
}
