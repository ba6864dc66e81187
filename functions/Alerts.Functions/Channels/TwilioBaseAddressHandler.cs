using Microsoft.Extensions.Options;

namespace Alerts.Channels;

/// <summary>
/// The Twilio SDK always calls <c>https://api.twilio.com/2010-04-01/…</c>; this sends those requests to
/// <c>Twilio:BaseAddress</c> instead (a regional endpoint, a proxy, or the loopback fake in tests).
/// </summary>
internal sealed class TwilioBaseAddressHandler(IOptions<TwilioOptions> options) : DelegatingHandler
{
    private const string SdkRoot = "/2010-04-01/";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { Host: "api.twilio.com" } sdk && sdk.AbsolutePath.StartsWith(SdkRoot, StringComparison.Ordinal))
        {
            request.RequestUri = new Uri(options.Value.BaseAddress, sdk.PathAndQuery[SdkRoot.Length..]);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
