namespace Alerts.Bills;

/// <summary>
/// The alerting side's way in: called once for each new bill event. The same event can be handed over
/// again after a crash or by two overlapping runs, so a subscriber must be idempotent per <see cref="BillEvent.EventId"/>.
/// </summary>
internal interface IBillEventSubscriber
{
    Task OnBillEventAsync(BillEvent billEvent, CancellationToken cancellationToken = default);
}
