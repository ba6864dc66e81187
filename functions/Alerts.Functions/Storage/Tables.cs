namespace Alerts.Storage;

internal static class Tables
{
    public const string WatchedBills = "WatchedBills";
    public const string BillEvents = "BillEvents";
    public const string BillWatchState = "BillWatchState";
    public const string Supporters = "Supporters";
    public const string SupporterLookup = "SupporterLookup";
    public const string SegmentIndex = "SegmentIndex";

    /// <summary>The segment index is split over tables by supporter id: "SegmentIndex0" to "SegmentIndexf" (see <see cref="Segments.SegmentIndex"/>).</summary>
    public static string SegmentIndexShard(int shard) => SegmentIndex + shard.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
    public const string Suppressions = "Suppressions";
    public const string Segments = "Segments";
    public const string LookupCache = "LookupCache";
    public const string ImportJobs = "ImportJobs";
    public const string ImportFiles = "ImportFiles";
    public const string Campaigns = "Campaigns";
    public const string CampaignBatches = "CampaignBatches";
    public const string Deliveries = "Deliveries";
    public const string DeliveryClaims = "DeliveryClaims";
    public const string Outbox = "Outbox";
    public const string AlertRules = "AlertRules";
    public const string WebhookReceipts = "WebhookReceipts";
    public const string ApiKeys = "ApiKeys";
    public const string AuditLog = "AuditLog";
    public const string Divisions = "Divisions";
}
