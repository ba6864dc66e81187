using Alerts.Supporters;
using Microsoft.Extensions.Options;

namespace Alerts.Alerting;

/// <summary>
/// Turns a sending campaign's segment into batches on the dispatch queue, one index page at a time,
/// saving its place after each batch so a crashed plan resumes where it stopped. Memory stays flat.
/// </summary>
internal sealed partial class CampaignPlanner(
    CampaignStore campaigns,
    SegmentStore segments,
    SegmentEvaluator evaluator,
    DispatchQueue queue,
    IOptions<AlertingOptions> options,
    Audit.AuditLog audit,
    TimeProvider time,
    ILogger<CampaignPlanner> logger)
{
    public async Task<int> PlanAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        int planned = 0;
        while (true)
        {
            Campaign? campaign = await campaigns.GetAsync(campaignId, cancellationToken);
            if (campaign is not { State: CampaignState.Sending } || campaign.Plan.Complete)
            {
                return planned;
            }

            Segment? segment = await segments.GetAsync(campaign.Content.SegmentId, cancellationToken);
            if (segment is null)
            {
                if (await campaigns.TryReplaceAsync(campaign with { State = CampaignState.Failed, UpdatedAt = time.GetUtcNow() }, cancellationToken))
                {
                    await audit.RecordAsync("system", "CampaignStateChanged", "campaign", campaignId, "Sending → Failed: segment deleted", cancellationToken);
                }

                LogSegmentMissing(logger, campaignId);
                return planned;
            }

            // Only the campaign's channels count for membership.
            SegmentDefinition definition = segment.Definition with { Channels = [.. segment.Definition.Channels.Intersect(campaign.Content.Channels)] };
            SegmentPage page = await evaluator.ReadPageAsync(definition,
                new SegmentCursor(campaign.Plan.PartitionIndex, campaign.Plan.ContinuationToken), options.Value.BatchSize, cancellationToken);

            int batchNo = campaign.Plan.NextBatch;
            if (page.Members.Count > 0)
            {
                // Batch first, then its message, then the cursor: a crash repeats at most this batch,
                // whose stored contents win and whose duplicate message the ledger makes harmless.
                await campaigns.AddBatchAsync(campaignId, batchNo, page.Members.Select(m => m.SupporterId).ToList(), cancellationToken);
                await queue.EnqueueAsync(new DispatchMessage(campaignId, DispatchKind.Send, batchNo), cancellationToken: cancellationToken);
                planned++;
            }

            var progress = new PlanProgress(
                page.Members.Count > 0 ? batchNo + 1 : batchNo, page.Next?.PartitionIndex ?? 0, page.Next?.ContinuationToken, page.Next is null);
            if (await campaigns.TryReplaceAsync(campaign with { Plan = progress, UpdatedAt = time.GetUtcNow() }, cancellationToken) && progress.Complete)
            {
                LogPlanned(logger, campaignId, progress.NextBatch);
                if (await campaigns.TryCompleteAsync(campaignId, time.GetUtcNow(), cancellationToken)) // every batch may already be done
                {
                    await audit.RecordAsync("system", "CampaignStateChanged", "campaign", campaignId, "Sending → Completed", cancellationToken);
                }

                return planned;
            }
        }
    }

    [LoggerMessage(EventId = 5301, Level = LogLevel.Information, Message = "Campaign {CampaignId} planned in {Batches} batches")]
    private static partial void LogPlanned(ILogger logger, string campaignId, int batches);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Error, Message = "Campaign {CampaignId} failed: its segment no longer exists")]
    private static partial void LogSegmentMissing(ILogger logger, string campaignId);
}
