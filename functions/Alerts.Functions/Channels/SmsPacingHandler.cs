namespace Alerts.Channels;

/// <summary>
/// Holds each Twilio request until its <see cref="SmsPacer"/> slot, as the last step before the socket, so
/// what happens between the slot and the wire (building the request, the other handlers) cannot bunch
/// requests together. A request cancelled while it waits was never written: not sent.
/// </summary>
internal sealed class SmsPacingHandler(SmsPacer pacer) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await pacer.WaitTurnAsync(cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }
}
