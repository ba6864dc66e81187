using Alerts.Storage;
using Alerts.Supporters;
using Azure.Data.Tables;

namespace Alerts.Alerting;

public sealed record OutboxMessage(string CampaignId, string Channel, string SupporterId, string To, string? Subject, string Body, DateTimeOffset At);

/// <summary>
/// Where messages go when SendGrid or Twilio is not configured: stored, fully rendered, and readable
/// through the staff API, so a charity can try everything before it has provider accounts.
/// </summary>
internal sealed class OutboxChannel(Channel kind, AlertsStorage storage, TimeProvider time) : IAlertChannel
{
    private readonly TableClient _outbox = storage.Table(Tables.Outbox);

    public Channel Kind => kind;

    public int MaxMessagesPerCall => 1000;

    public async Task<IReadOnlyList<DeliveryResult>> SendAsync(
        CampaignContent campaign, string campaignId, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
    {
        var results = new List<DeliveryResult>(messages.Count);
        foreach (OutgoingMessage message in messages)
        {
            (string? subject, string body) = kind == Channel.Email
                ? campaign.Email!.TemplateId is { } template
                    ? ((string?)$"(SendGrid template {template})", System.Text.Json.JsonSerializer.Serialize(message.Values.Values))
                    : (MessageRenderer.Fill(campaign.Email.Subject!, message.Values), MessageRenderer.Fill(campaign.Email.Text!, message.Values))
                : (null, message.SmsBody!);
            await _outbox.UpsertEntityAsync(new TableEntity(campaignId, $"{kind}|{message.SupporterId}")
            {
                ["To"] = message.Address,
                ["Subject"] = subject,
                ["Body"] = body,
                ["At"] = time.GetUtcNow(),
            }, TableUpdateMode.Replace, cancellationToken);
            results.Add(new DeliveryResult.Accepted("outbox"));
        }

        return results;
    }

    public static async Task<IReadOnlyList<OutboxMessage>> ReadAsync(AlertsStorage storage, string campaignId, int limit, CancellationToken cancellationToken = default)
    {
        var messages = new List<OutboxMessage>();
        await foreach (TableEntity row in storage.Table(Tables.Outbox).QueryAsync<TableEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {campaignId}"), cancellationToken: cancellationToken))
        {
            string[] key = row.RowKey.Split('|');
            messages.Add(new OutboxMessage(campaignId, key[0], key[1], row.GetString("To")!, row.GetString("Subject"), row.GetString("Body")!,
                row.GetDateTimeOffset("At") ?? default));
            if (messages.Count == limit)
            {
                break;
            }
        }

        return messages;
    }
}
