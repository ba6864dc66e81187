using Alerts.Supporters;

namespace Alerts.Channels;

/// <summary>Says at start-up where messages will go, so nobody mistakes the outbox for real sending.</summary>
internal sealed partial class ChannelAnnouncer(IEnumerable<IAlertChannel> channels, ILogger<ChannelAnnouncer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (IAlertChannel channel in channels)
        {
            if (channel is OutboxChannel)
            {
                LogOutbox(logger, channel.Kind);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 5601, Level = LogLevel.Warning, Message = "No {Channel} provider is configured: {Channel} messages go to the local outbox (GET /api/v1/campaigns/{{id}}/outbox), not to supporters")]
    private static partial void LogOutbox(ILogger logger, Channel channel);
}
