namespace Alerts.Supporters;

/// <summary>Whether a look-up has failed during one import; shared by its rows, which run in parallel.</summary>
internal sealed class LookupOutage
{
    private volatile bool _seen;

    public bool Seen => _seen;

    public void Record() => _seen = true;
}
