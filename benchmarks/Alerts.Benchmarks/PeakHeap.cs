namespace Alerts.Benchmarks;

/// <summary>Samples the managed heap, garbage included, every 50 ms while something runs.</summary>
internal sealed class PeakHeap : IDisposable
{
    private readonly Timer _timer;
    private long _peak;

    public PeakHeap() => _timer = new Timer(_ => Interlocked.Exchange(ref _peak, Math.Max(Interlocked.Read(ref _peak), GC.GetTotalMemory(false))), null, 0, 50);

    public long PeakMegabytes => Interlocked.Read(ref _peak) / (1024 * 1024);

    public void Dispose() => _timer.Dispose();

    /// <summary>The live heap after a full collection, in bytes: what is left once garbage is gone.</summary>
    public static long Live() => GC.GetTotalMemory(forceFullCollection: true);
}
