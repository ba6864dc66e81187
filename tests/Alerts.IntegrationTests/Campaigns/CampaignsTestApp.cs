using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Alerts.Fakes;
using Alerts.Infrastructure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Alerts.Campaigns;

/// <summary>
/// The app with loopback SendGrid and Twilio (or none: the local outbox), and a pump that drains the
/// dispatch queue the way the Functions host does: invoke DispatchBatch with the double-encoded message,
/// delete on success, retry on failure, poison after maxDequeueCount.
/// </summary>
public sealed class CampaignsTestApp : IAsyncDisposable
{
    private CampaignsTestApp(AlertsAppFactory app, FakeSendGrid? sendGrid, FakeTwilio? twilio)
    {
        App = app;
        SendGrid = sendGrid;
        Twilio = twilio;
        Client = app.CreateClient();
        Client.Timeout = TimeSpan.FromMinutes(5);
        Queue = new QueueClient(app.StorageConnectionString, app.NamePrefix + "dispatch", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        Poison = new QueueClient(app.StorageConnectionString, app.NamePrefix + "dispatch-poison", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
    }

    public AlertsAppFactory App { get; }

    public FakeSendGrid? SendGrid { get; }

    public FakeTwilio? Twilio { get; }

    public HttpClient Client { get; }

    public QueueClient Queue { get; }

    public QueueClient Poison { get; }

    public static async Task<CampaignsTestApp> StartAsync(bool providers, Func<AlertsAppFactory, AlertsAppFactory>? configure = null)
    {
        FakeSendGrid? sendGrid = providers ? await FakeSendGrid.StartAsync() : null;
        FakeTwilio? twilio = providers ? await FakeTwilio.StartAsync() : null;
        AlertsAppFactory app = (await AlertsAppFactory.CreateAsync())
            .WithSetting("Alerting:SmsPerSecond", "400")
            .WithSetting("Alerting:SmsQuietHoursStart", "00:00")
            .WithSetting("Alerting:SmsQuietHoursEnd", "00:00");
        if (providers)
        {
            app.WithSetting("SendGrid:ApiKey", FakeSendGrid.ApiKey)
                .WithSetting("SendGrid:Host", sendGrid!.Host.ToString())
                .WithSetting("SendGrid:RequestTimeout", "00:00:02")
                .WithSetting("Twilio:AccountSid", FakeTwilio.AccountSid)
                .WithSetting("Twilio:AuthToken", FakeTwilio.AuthToken)
                .WithSetting("Twilio:MessagingServiceSid", FakeTwilio.MessagingServiceSid)
                .WithSetting("Twilio:BaseAddress", twilio!.BaseAddress.ToString())
                .WithSetting("Twilio:RequestTimeout", "00:00:02");
        }

        return new CampaignsTestApp(configure?.Invoke(app) ?? app, sendGrid, twilio);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        if (SendGrid is not null)
        {
            await SendGrid.DisposeAsync();
        }

        if (Twilio is not null)
        {
            await Twilio.DisposeAsync();
        }
    }

    /// <summary>Imports supporters from CSV rows (header: email,phone,first_name,tags,email_consent,sms_consent).</summary>
    public async Task ImportAsync(IEnumerable<string> rows)
    {
        string csv = "email,phone,first_name,tags,email_consent,sms_consent,consent_source\n" + string.Join('\n', rows.Select(r => r + ",test"));
        HttpResponseMessage response = await Client.PostAsync(new Uri("/api/v1/supporters/import", UriKind.Relative), new StringContent(csv, Encoding.UTF8, "text/csv"));
        JsonObject report = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(report["rejected"]!.GetValue<int>() == 0, report.ToJsonString());
    }

    public async Task<string> CreateSegmentAsync(object definition) =>
        (await PostAsync("/api/v1/segments", definition))["id"]!.GetValue<string>();

    public async Task<string> CreateApprovedCampaignAsync(string segmentId, string[] channels)
    {
        string id = (await PostAsync("/api/v1/campaigns", Campaign(segmentId, channels)))["id"]!.GetValue<string>();
        await PostAsync($"/api/v1/campaigns/{id}/approve", new { approvedBy = "test" });
        return id;
    }

    public static object Campaign(string segmentId, string[] channels) => new
    {
        name = "Report stage alert",
        segmentId,
        channels,
        email = new
        {
            subject = "{{first_name}}, {{bill_title}} is at {{stage}}",
            html = "<p>Dear {{first_name}}, ask {{mp_name}} to act.</p><p><a href=\"{{unsubscribe_link}}\">Unsubscribe</a></p>",
            text = "Dear {{first_name}}, ask {{mp_name}} to act. Unsubscribe: {{unsubscribe_link}}",
        },
        sms = "{{first_name}}, {{bill_title}} is at {{stage}} on {{sitting_date}}. Act: {{action_link}}",
        actionLink = "https://example.org/act",
        bill = new { billId = 3023, title = "Nationality and Borders Bill", stage = "Report stage", house = "Commons", sittingDate = "2021-12-07" },
    };

    public async Task<JsonObject> PostAsync(string path, object body)
    {
        HttpResponseMessage response = await Client.PostAsJsonAsync(path, body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<JsonObject> ReportAsync(string campaignId) =>
        (await Client.GetFromJsonAsync<JsonObject>($"/api/v1/campaigns/{campaignId}/report"))!;

    /// <summary>Drains the dispatch queue as the host would. Returns how many invocations failed.</summary>
    public async Task<int> PumpAsync(int parallelism = 2, int maxDequeueCount = 5)
    {
        int failures = 0;
        while (true)
        {
            QueueMessage[] messages = (await Queue.ReceiveMessagesAsync(parallelism, TimeSpan.FromMinutes(5))).Value;
            if (messages.Length == 0)
            {
                return failures;
            }

            await Parallel.ForEachAsync(messages, async (message, token) =>
            {
                if (await InvokeAsync(message.MessageText, (int)message.DequeueCount, token))
                {
                    await Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, token);
                    return;
                }

                Interlocked.Increment(ref failures);
                if (message.DequeueCount >= maxDequeueCount)
                {
                    await Poison.SendMessageAsync(message.MessageText, token);
                    await Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, token);
                }
                else
                {
                    await Queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: token);
                }
            });
        }
    }

    /// <summary>Hands one queue message to DispatchBatch, as the host would. True when the invocation succeeded.</summary>
    public async Task<bool> InvokeAsync(string messageText, int dequeueCount, CancellationToken cancellationToken = default) =>
        (await App.InvokeAsync("DispatchBatch", messageText, dequeueCount, cancellationToken)).Succeeded;

    /// <summary>Runs the StartScheduledCampaigns timer once.</summary>
    public async Task<string> StartScheduledAsync()
    {
        FunctionRun run = await App.InvokeAsync("StartScheduledCampaigns");
        Assert.True(run.Succeeded, run.Log);
        return run.Log;
    }
}
