using Alerts.Campaigns;
using Microsoft.Extensions.Options;

namespace Alerts.Messages;

/// <summary>Builds a campaign's <see cref="MessageContext"/>, once per batch or preview.</summary>
internal sealed class MessageContexts(IOptions<AlertingOptions> options)
{
    public ValueTask<MessageContext> ForAsync(Campaign campaign, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new MessageContext(campaign.Id, campaign.Content, options.Value.CharityName));
}
