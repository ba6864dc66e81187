using Alerts.Supporters;

namespace Alerts.Webhooks;

/// <summary>
/// Every opt-out, whatever its route (unsubscribe link, SMS STOP, SendGrid unsubscribe or spam report),
/// lands here: the channel's consent is withdrawn and the address goes on the suppression list, before
/// the caller answers.
/// </summary>
internal sealed partial class OptOuts(SupporterStore store, SuppressionList suppressions, SupporterDirectory directory, ILogger<OptOuts> logger)
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
        // The supporter (and so the segment index every send reads) first, then the suppression list.
        await directory.SuppressAsync(channel, address, reason, source, withdrawConsent: true, cancellationToken);
        LogOptedOut(logger, channel, reason, source);
    }

    /// <summary>
    /// The supporter texted START: their own new consent to SMS, recorded with its source and time, and the
    /// suppression lifted, unless the number was erased (an erasure is not undone by a text). False when
    /// nothing changed.
    /// </summary>
    public async Task<bool> OptBackInBySmsAsync(string phone, CancellationToken cancellationToken = default)
    {
        Suppression? suppression = await suppressions.FindAsync(Channel.Sms, phone, cancellationToken);
        if (suppression is { Reason: "erased" })
        {
            return false;
        }

        // The list first, then the supporter: a crash in between leaves the number still blocked, never the reverse.
        bool changed = suppression is not null && await suppressions.LiftAsync(Channel.Sms, phone, StartSource, actor: StartSource, cancellationToken);
        if (await store.FindIdAsync(Channel.Sms, phone, cancellationToken) is { } supporterId)
        {
            changed |= await directory.GrantOwnConsentAsync(supporterId, Channel.Sms, StartSource, cancellationToken);
        }

        return changed;
    }

    /// <summary>How a START is recorded: the supporter's own reply, through Twilio.</summary>
    public const string StartSource = "sms-start";

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Opt-out recorded for {Channel} ({Reason}, via {Source})")]
    private static partial void LogOptedOut(ILogger logger, Channel channel, string reason, string source);
}
