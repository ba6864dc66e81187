using Alerts.Supporters;

namespace Alerts.Messages;

/// <summary>What a message may say about the one person it goes to, on one channel.</summary>
internal sealed record Recipient(string Id, string? FirstName, string? MpName, int? MpMemberId, string? Constituency, Uri UnsubscribeLink)
{
    public static Recipient Of(Supporter supporter, Uri unsubscribeLink) =>
        new(supporter.Id, supporter.FirstName, supporter.MpName, supporter.MpMemberId, supporter.Constituency, unsubscribeLink);

    /// <summary>From the supporter's segment index row, which carries what a message needs: sending reads nothing else.</summary>
    public static Recipient Of(Segments.IndexRow row, Uri unsubscribeLink) =>
        new(row.SupporterId, row.FirstName, row.MpName, row.MpMemberId, row.Constituency, unsubscribeLink);

    /// <summary>Whom previews and test sends are filled for.</summary>
    public static Recipient Sample(Uri unsubscribeLink) => new(SampleId, "Sam", "Jane Smith", null, "Cardiff East", unsubscribeLink);

    private const string SampleId = "sample";

    public bool IsSample => Id == SampleId;
}
