using Alerts.Supporters;

namespace Alerts.Segments;

/// <summary>One row of the segment index: enough to evaluate a segment without reading the supporter.</summary>
internal sealed record IndexRow(string SupporterId, IReadOnlyList<string> Tags, string? Constituency, bool EmailOk, bool SmsOk)
{
    public bool Allows(Channel channel) => channel == Channel.Email ? EmailOk : SmsOk;
}
