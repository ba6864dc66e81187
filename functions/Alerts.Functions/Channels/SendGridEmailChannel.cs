using System.Net;
using Alerts.Campaigns;
using Alerts.Messages;
using Alerts.Supporters;
using Microsoft.Extensions.Options;
using SendGrid.Helpers.Mail;
using SendGrid;

namespace Alerts.Channels;

/// <summary>
/// Email through SendGrid v3 mail/send: one request per up to 1000 recipients, each its own
/// personalization (addresses stay private) with List-Unsubscribe headers and our ids as custom args.
/// </summary>
internal sealed partial class SendGridEmailChannel(
    HttpClient http, IOptions<SendGridOptions> sendGrid, IOptions<AlertingOptions> alerting, Hosting.AlertsMetrics metrics, TimeProvider time, ILogger<SendGridEmailChannel> logger) : IAlertChannel
{
    private readonly SendGridClient _client = new(http, new SendGridClientOptions
    {
        ApiKey = sendGrid.Value.ApiKey,
        Host = sendGrid.Value.Host.ToString().TrimEnd('/'),
        // With an injected HttpClient the library's retry handler is not used: our ledger decides about retries.
    });

    public Channel Kind => Channel.Email;

    public int MaxMessagesPerCall => 1000;

    public async Task<IReadOnlyList<DeliveryResult>> SendAsync(
        CampaignContent campaign, string campaignId, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
    {
        DeliveryResult outcome = await SendOneRequestAsync(Build(campaign, campaignId, messages), messages.Count, cancellationToken);
        return messages.Select(_ => outcome).ToList();
    }

    private SendGridMessage Build(CampaignContent campaign, string campaignId, IReadOnlyList<OutgoingMessage> messages)
    {
        EmailContent email = campaign.Email!;
        var message = new SendGridMessage();
        message.SetFrom(new EmailAddress(alerting.Value.FromEmail, alerting.Value.CharityName));
        if (email.TemplateId is { } templateId)
        {
            message.SetTemplateId(templateId);
        }
        else
        {
            // Placeholders become per-recipient substitutions, HTML-encoded in the HTML body only.
            message.SetGlobalSubject(EmailTemplates.ToSubstitutionTags(email.Subject!, html: false));
            message.AddContent(MimeType.Text, EmailTemplates.ToSubstitutionTags(email.Text!, html: false));
            message.AddContent(MimeType.Html, EmailTemplates.ToSubstitutionTags(email.Html!, html: true));
        }

        for (int i = 0; i < messages.Count; i++)
        {
            OutgoingMessage m = messages[i];
            message.AddTo(new EmailAddress(m.Address, m.Name), i);
            if (email.TemplateId is not null)
            {
                message.SetTemplateData(m.Message.Values, i);
            }
            else
            {
                message.AddSubstitutions(EmailTemplates.Substitutions(m.Message.Values), i);
            }

            foreach ((string header, string value) in EmailHeaders.For(m))
            {
                message.AddHeader(header, value, i);
            }

            // Only opaque ids: SendGrid keeps custom args as non-personal data.
            message.AddCustomArg("delivery_id", m.DeliveryId, i);
            message.AddCustomArg("campaign_id", campaignId, i);
        }

        return message;
    }

    private async Task<DeliveryResult> SendOneRequestAsync(SendGridMessage message, int recipients, CancellationToken cancellationToken)
    {
        Response response;
        long started = time.GetTimestamp();
        try
        {
            response = await _client.SendEmailAsync(message, cancellationToken);
            metrics.RecordProviderCall("sendgrid", response.StatusCode, time.GetElapsedTime(started));
        }
        catch (Exception ex) when (SendOutcomes.IsFailure(ex, cancellationToken))
        {
            DeliveryResult failed = SendOutcomes.FromFailure(ex);
            LogFailure(logger, recipients, failed is DeliveryResult.Unknown unknown ? unknown.Reason : "not connected");
            return failed;
        }

        LogStatus(logger, recipients, (int)response.StatusCode);
        return SendOutcomes.FromStatus(response.StatusCode, response.Headers, time) ?? response.StatusCode switch
        {
            HttpStatusCode.Accepted or HttpStatusCode.OK => new DeliveryResult.Accepted(
                response.Headers.TryGetValues("X-Message-Id", out IEnumerable<string>? ids) ? ids.FirstOrDefault() : null),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new DeliveryResult.Deferred(null, "SendGrid refused the API key", Permanent: true),
            _ => new DeliveryResult.Rejected(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), Suppress: false),
        };
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "SendGrid request for {Recipients} recipients answered {Status}")]
    private static partial void LogStatus(ILogger logger, int recipients, int status);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "SendGrid request for {Recipients} recipients failed: {Reason}")]
    private static partial void LogFailure(ILogger logger, int recipients, string reason);
}

/// <summary>Our templates as SendGrid fills them: each placeholder a substitution tag, its value per personalization.</summary>
internal static class EmailTemplates
{
    /// <summary>{{first_name}} → -first_name-text- (or -html-), SendGrid substitution tags.</summary>
    public static string ToSubstitutionTags(string template, bool html) =>
        Messages.Placeholders.Pattern().Replace(template, m => $"-{m.Groups[1].Value}-{(html ? "html" : "text")}-");

    public static Dictionary<string, string> Substitutions(IReadOnlyDictionary<string, string> values) =>
        values.SelectMany(v => new[]
        {
            KeyValuePair.Create($"-{v.Key}-text-", v.Value),
            KeyValuePair.Create($"-{v.Key}-html-", WebUtility.HtmlEncode(v.Value)),
        }).ToDictionary();
}
