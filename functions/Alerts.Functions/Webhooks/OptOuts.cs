using Alerts.Supporters;

namespace Alerts.Webhooks;

/// <summary>
/// Every opt-out, whatever its route (unsubscribe link, SMS STOP, SendGrid unsubscribe or spam report),
/// lands here: the address goes on the suppression list and the channel's consent is withdrawn, before
/// the caller answers.
/// </summary>
internal sealed partial class OptOuts(SupporterStore store, SupporterDirectory directory, TimeProvider time, ILogger<OptOuts> logger)
{
    /// <summary>Opts a supporter out of a channel. False when the supporter no longer exists.</summary>
    public async Task<bool> OptOutAsync(string supporterId, Channel channel, string reason, string source, CancellationToken cancellationToken = default)
    {
        Supporter? supporter = await directory.GetAsync(supporterId, cancellationToken);
        if (supporter?.AddressFor(channel) is not { } address)
        {
            return false;
        }

        await OptOutAddressAsync(channel, address, reason, source, cancellationToken);
        return true;
    }

    /// <summary>Suppresses an address and withdraws consent from the supporter who has it, if any.</summary>
    public async Task OptOutAddressAsync(Channel channel, string address, string reason, string source, CancellationToken cancellationToken = default)
    {
        await store.SuppressAsync(channel, address, reason, source, time.GetUtcNow(), cancellationToken);
        if (await store.FindIdAsync(channel, address, cancellationToken) is { } supporterId
            && await directory.GetAsync(supporterId, cancellationToken) is { } supporter
            && supporter.ConsentFor(channel).Status != ConsentStatus.Withdrawn)
        {
            var withdrawn = new ConsentInput { Status = ConsentStatus.Withdrawn, Basis = supporter.ConsentFor(channel).Basis, Source = source };
            await directory.UpdateAsync(supporterId,
                channel == Channel.Email ? new SupporterInput { EmailConsent = withdrawn } : new SupporterInput { SmsConsent = withdrawn }, source, cancellationToken);
        }

        LogOptedOut(logger, channel, reason, source);
    }

    /// <summary>Lifts a suppression that an SMS STOP (or Twilio's 21610) put there: a later START means they want alerts again.</summary>
    public async Task<bool> OptBackInBySmsAsync(string phone, CancellationToken cancellationToken = default)
    {
        Suppression? suppression = await store.FindSuppressionAsync(Channel.Sms, phone, cancellationToken);
        return suppression is { Reason: "sms-stop" or "provider-21610" } && await store.LiftSuppressionAsync(Channel.Sms, phone, "twilio-inbound", cancellationToken);
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Opt-out recorded for {Channel} ({Reason}, via {Source})")]
    private static partial void LogOptedOut(ILogger logger, Channel channel, string reason, string source);
}
