using System.Diagnostics;
using Alerts.Messages;
using Microsoft.Extensions.Options;

namespace Alerts.Channels;

/// <summary>
/// Spaces every SMS this instance sends evenly, a little over 1/<see cref="AlertingOptions.SmsPerSecond"/>
/// apart, so no one-second window ever holds more than the rate, whatever the sends' own latency (a token
/// bucket refilled each second lets a second's sends go in one burst, and two bursts can share a window).
/// The 2 % margin absorbs the jitter of timers and the network between here and the provider. The first
/// request after a pause also opens a connection, so it reaches the provider tens of milliseconds late while
/// the next does not: the next waits a tenth of a second more. Paced by the machine's clock, not the app's
/// <see cref="TimeProvider"/>: this is about real requests per second.
/// </summary>
internal sealed class SmsPacer(IOptions<AlertingOptions> options)
{
    private static readonly long ColdStart = Stopwatch.Frequency / 10;
    private readonly long _interval = (long)(Stopwatch.Frequency * 1.02 / options.Value.SmsPerSecond);
    private readonly Lock _lock = new();
    private long _next;

    /// <summary>Waits for this send's turn: each caller takes the next free slot, first come, first served.</summary>
    public async Task WaitTurnAsync(CancellationToken cancellationToken = default)
    {
        long now = Stopwatch.GetTimestamp();
        long slot;
        lock (_lock)
        {
            bool afterAPause = now - _next > Stopwatch.Frequency;
            slot = Math.Max(now, _next);
            _next = slot + _interval + (afterAPause ? ColdStart : 0);
        }

        if (slot > now)
        {
            await Task.Delay(Stopwatch.GetElapsedTime(now, slot), cancellationToken);
        }
    }
}
