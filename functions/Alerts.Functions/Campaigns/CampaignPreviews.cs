using Alerts.Channels;
using Alerts.Messages;
using Alerts.Segments;
using Alerts.Supporters;

namespace Alerts.Campaigns;

/// <summary>
/// One channel's message as a recipient would get it, and how many would get it now (after consent and
/// suppression). <see cref="Note"/> explains a channel of the campaign that its segment does not send on.
/// </summary>
public sealed record ChannelPreview(string? Subject, string? Body, string? Html, SmsInfo? Sms, int Recipients, string? Note = null);

/// <summary>What a test send did: one line per address, or what was wrong with the addresses.</summary>
internal sealed record TestSendOutcome(IReadOnlyDictionary<string, string[]> Errors, IReadOnlyList<string> Results);

/// <summary>
/// What staff check before approving: each channel's message as a recipient gets it (a real supporter's,
/// or the sample recipient's), how many would get it now, and a test send to their own addresses. Rendered
/// by the same renderer as the real sends.
/// </summary>
internal sealed class CampaignPreviews(
    CampaignStore campaigns,
    SegmentStore segments,
    SegmentEvaluator evaluator,
    SupporterStore supporters,
    MessageContexts contexts,
    MessageRenderer renderer,
    IEnumerable<IAlertChannel> channels)
{
    public async Task<IReadOnlyDictionary<Channel, ChannelPreview>?> PreviewAsync(string id, string? supporterId, CancellationToken cancellationToken = default)
    {
        if (await campaigns.GetAsync(id, cancellationToken) is not { } campaign)
        {
            return null;
        }

        // An approved campaign previews the audience it was approved with; a draft, its segment as it is now.
        SegmentDefinition? segment = campaign.ApprovedSegment ?? (await segments.GetAsync(campaign.Content.SegmentId, cancellationToken))?.Definition;
        if (segment is null)
        {
            return null;
        }

        IReadOnlyList<Channel> channelList = campaign.ChannelsFor(segment);
        Supporter? supporter = supporterId is null ? null : (await supporters.GetAsync(supporterId, cancellationToken))?.Supporter;
        var recipients = channelList.ToDictionary(c => c, _ => 0);
        MessageContext context = await contexts.ForAsync(campaign, cancellationToken);
        await foreach (IndexRow row in evaluator.MembersAsync(segment with { Channels = channelList }, cancellationToken))
        {
            // Counts after consent and suppression (and how their MP voted, if the campaign is narrowed by it),
            // from the index rows the dispatcher will judge them by.
            foreach (Channel channel in context.Reaches(row.MpMemberId) ? channelList.Where(row.Allows) : [])
            {
                recipients[channel]++;
            }
        }

        // A campaign sends on the channels both it and its segment name (checked when drafted and approved); say so here too.
        var previews = campaign.Content.Channels.Except(channelList).ToDictionary(c => c, c => new ChannelPreview(null, null, null, null, 0,
            $"Not sent: the segment is for {string.Join(" and ", segment.Channels).ToLowerInvariant()} only."));
        foreach (Channel channel in channelList)
        {
            RenderedMessage message = renderer.Render(context, supporter is null ? renderer.SampleFor(channel) : renderer.RecipientFor(supporter, channel), channel);
            previews[channel] = new ChannelPreview(message.Subject, message.Text, message.Html, channel == Channel.Sms ? SmsText.Measure(message.Text) : null, recipients[channel]);
        }

        return previews;
    }

    /// <summary>
    /// Sends the campaign, filled for the sample recipient, to 1 to 10 addresses staff give; nothing is
    /// recorded against supporters. Null when there is no such campaign.
    /// </summary>
    public async Task<TestSendOutcome?> TestSendAsync(string id, IReadOnlyList<string?> rawEmails, IReadOnlyList<string?> rawPhones, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        List<string> emails = [.. rawEmails.Select(e => ContactValidation.NormaliseEmail(e ?? string.Empty, out _)).OfType<string>()];
        List<string> phones = [.. rawPhones.Select(p => ContactValidation.NormaliseMobile(p ?? string.Empty, out _)).OfType<string>()];
        if (emails.Count < rawEmails.Count)
        {
            errors["emails"] = ["Each must be a valid email address."];
        }

        if (phones.Count < rawPhones.Count)
        {
            errors["phones"] = ["Each must be a valid mobile number."];
        }

        if (rawEmails.Count + rawPhones.Count is 0 or > 10)
        {
            errors["emails"] = ["Give 1 to 10 test addresses in all."];
        }

        if (await campaigns.GetAsync(id, cancellationToken) is not { } campaign)
        {
            return null;
        }

        if (errors.Count > 0)
        {
            return new TestSendOutcome(errors, []);
        }

        MessageContext context = await contexts.ForAsync(campaign, cancellationToken);
        var outcomes = new List<string>();
        foreach ((Channel channel, IReadOnlyList<string> addresses) in new[] { (Channel.Email, emails), (Channel.Sms, phones) })
        {
            if (addresses.Count == 0)
            {
                continue;
            }

            RenderedMessage message = renderer.Render(context, renderer.SampleFor(channel), channel);
            var messages = addresses.Select((address, i) => new OutgoingMessage($"{id}.test{i}", $"{OutboxChannel.TestRecipientPrefix}{i}", address, "Test", message)).ToList();
            // Kept with the campaign's own outbox (marked as tests) when no provider is configured.
            IReadOnlyList<DeliveryResult> results = await channels.Single(c => c.Kind == channel).SendAsync(campaign.Content, id, messages, cancellationToken);
            outcomes.AddRange(results.Select((r, i) => $"{channel} #{i + 1}: {r.GetType().Name.ToLowerInvariant()}"));
        }

        return new TestSendOutcome(new Dictionary<string, string[]>(), outcomes);
    }
}
