using Alerts.Audit;
using Alerts.Campaigns;
using Alerts.Messages;
using Alerts.Segments;
using Alerts.Supporters;
using Microsoft.Extensions.Options;

namespace Alerts.Dispatch;

/// <summary>
/// Turns a sending campaign's approved segment into batches on the dispatch queue, one index page at a
/// time, saving its place after each batch so a crashed plan resumes where it stopped. Memory stays flat.
/// </summary>
internal sealed partial class CampaignPlanner(
    CampaignStore campaigns,
    BatchStore batches,
    CampaignTransitions transitions,
    CampaignCompletion completion,
    SegmentEvaluator evaluator,
    MessageContexts contexts,
    DispatchQueue queue,
    IOptions<AlertingOptions> options,
    TimeProvider time,
    ILogger<CampaignPlanner> logger)
{
    public async Task<int> PlanAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        int planned = 0;
        MessageContext? context = null; // for a campaign narrowed by how MPs voted: the roll, read once
        while (true)
        {
            Campaign? campaign = await campaigns.GetAsync(campaignId, cancellationToken);
            if (campaign is not { State: CampaignState.Sending } || campaign.Plan.Complete)
            {
                return planned;
            }

            if (campaign.ApprovedSegment is not { } approved)
            {
                // Only a campaign approved before approval fixed its audience can get here.
                await transitions.ChangeAsync(campaignId, [CampaignState.Sending], c => c with { State = CampaignState.Failed }, Actors.System,
                    "no approved segment", cancellationToken);

                LogNoSegment(logger, campaignId);
                return planned;
            }

            // The approved segment, on the channels both it and the campaign name.
            IReadOnlyList<Channel> channels = campaign.ChannelsFor(approved);
            SegmentPage page = await evaluator.ReadPageAsync(approved with { Channels = channels },
                new SegmentCursor(campaign.Plan.Shard, campaign.Plan.After), options.Value.BatchSize, whole: false, cancellationToken);

            int batchNo = campaign.Plan.NextBatch;
            IReadOnlyList<IndexRow> members = page.Members;
            if (campaign.Content.MpVoted.Count > 0)
            {
                context ??= await contexts.ForAsync(campaign, cancellationToken);
                members = [.. members.Where(m => context.Reaches(m.MpMemberId))];
            }

            if (members.Count > 0)
            {
                // Batch first, then its messages, then the cursor: a crash repeats at most this batch,
                // whose stored contents win and whose duplicate messages the ledger makes harmless.
                // Each channel's part lists only who could receive on it when planned; sending reads the
                // batch's key ranges again and sends to those who still can.
                List<(PartKey Key, IReadOnlyList<string> Ids)> parts = [.. channels.SelectMany(c =>
                    PartKey.Split(c, [.. members.Where(m => m.Allows(c)).Select(m => m.SupporterId)]))];
                await batches.AddBatchAsync(campaignId, batchNo, page.Ranges, parts, cancellationToken);
                foreach ((PartKey part, IReadOnlyList<string> ids) in parts.Where(p => p.Ids.Count > 0))
                {
                    await queue.EnqueueAsync(DispatchMessage.Send(campaignId, batchNo, part), cancellationToken: cancellationToken);
                }

                planned++;
            }

            var progress = new PlanProgress(
                members.Count > 0 ? batchNo + 1 : batchNo, page.Next?.Shard ?? 0, page.Next?.After, page.Next is null);
            if (await campaigns.TryReplaceAsync(campaign with { Plan = progress, UpdatedAt = time.GetUtcNow() }, cancellationToken) && progress.Complete)
            {
                LogPlanned(logger, campaignId, progress.NextBatch);
                await completion.TryCompleteAsync(campaignId, cancellationToken); // every batch may already be done

                return planned;
            }
        }
    }

    [LoggerMessage(EventId = 5301, Level = LogLevel.Information, Message = "Campaign {CampaignId} planned in {Batches} batches")]
    private static partial void LogPlanned(ILogger logger, string campaignId, int batches);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Error, Message = "Campaign {CampaignId} failed: it has no approved segment")]
    private static partial void LogNoSegment(ILogger logger, string campaignId);
}
