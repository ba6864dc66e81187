using Alerts.Campaigns;
using Alerts.Divisions;
using Microsoft.Extensions.Options;

namespace Alerts.Messages;

/// <summary>Builds a campaign's <see cref="MessageContext"/>, once per batch or preview: one read of the division, never one per recipient.</summary>
internal sealed class MessageContexts(DivisionStore divisions, IOptions<AlertingOptions> options)
{
    public async ValueTask<MessageContext> ForAsync(Campaign campaign, CancellationToken cancellationToken = default)
    {
        var context = new MessageContext(campaign.Id, campaign.Content, options.Value.CharityName);
        if (campaign.Content.Bill?.Division is not { } carried)
        {
            return context;
        }

        // The counts and names as last published (Parliament corrects lists after the vote); the meaning lines stay as staff confirmed them.
        Division? current = await divisions.GetAsync(carried.DivisionId, cancellationToken);
        return context with
        {
            Division = current is null ? carried : current.ToContext() with { AyeMeans = carried.AyeMeans, NoMeans = carried.NoMeans },
            Roll = current?.Roll,
        };
    }
}
