using System.Text.Json;
using Alerts.Campaigns;
using Alerts.Storage;
using Alerts.Supporters;
using Azure.Data.Tables;

namespace Alerts.Channels;

/// <summary>
/// One message as it would have gone out. <see cref="Test"/> marks a test send (to staff, not a supporter).
/// For email: the subject, text and HTML bodies and the headers every email carries; for SMS: the text.
/// </summary>
public sealed record OutboxMessage(
    string CampaignId, string Channel, string SupporterId, bool Test, string To, string? Subject, string Body, string? Html,
    IReadOnlyDictionary<string, string> Headers, DateTimeOffset At);

/// <summary>
/// Where messages go when SendGrid or Twilio is not configured: stored, fully rendered, and readable
/// through the staff API, so a charity can try everything before it has provider accounts.
/// </summary>
internal sealed class OutboxChannel(Channel kind, AlertsStorage storage, TimeProvider time) : IAlertChannel
{
    /// <summary>Supporter ids of test sends start with this; real ids are letters and digits only, so the two never meet.</summary>
    public const string TestRecipientPrefix = "test-";

    private readonly TableClient _outbox = storage.Table(Tables.Outbox);

    public Channel Kind => kind;

    public int MaxMessagesPerCall => 1000;

    public async Task<IReadOnlyList<DeliveryResult>> SendAsync(
        CampaignContent campaign, string campaignId, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
    {
        var results = new List<DeliveryResult>(messages.Count);
        foreach (OutgoingMessage message in messages)
        {
            var row = new TableEntity(campaignId, $"{kind}|{message.SupporterId}")
            {
                ["To"] = message.Address,
                ["At"] = time.GetUtcNow(),
            };
            // Rendered by the same renderer as every other channel: the outbox shows what would have gone out.
            row["Subject"] = message.Message.Subject;
            LargeText.Write(row, "Body", message.Message.Text);
            LargeText.Write(row, "Html", message.Message.Html);
            if (kind == Channel.Email)
            {
                row["Headers"] = JsonSerializer.Serialize(EmailHeaders.For(message));
            }

            await _outbox.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
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
            messages.Add(new OutboxMessage(campaignId, key[0], key[1], key[1].StartsWith(TestRecipientPrefix, StringComparison.Ordinal),
                row.GetString("To")!, row.GetString("Subject"), LargeText.Read(row, "Body")!, LargeText.Read(row, "Html"),
                row.GetString("Headers") is { } headers ? JsonSerializer.Deserialize<Dictionary<string, string>>(headers)! : [],
                row.GetDateTimeOffset("At") ?? default));
            if (messages.Count == limit)
            {
                break;
            }
        }

        return messages;
    }
}
