using Alerts.Audit;
using Alerts.Campaigns;
using Alerts.Channels;
using Alerts.Messages;
using Alerts.Security;
using Alerts.Segments;
using Alerts.StaffConsole.Pages;
using Alerts.Storage;
using Alerts.Supporters;
using Microsoft.AspNetCore.Mvc;

namespace Alerts.StaffConsole;

/// <summary>The draft form as typed: kept as text so a refused form comes back as it was.</summary>
public sealed record CampaignForm(
    string? Name, string? SegmentId, IReadOnlyList<string> Channels, string? Subject, string? Html, string? Text, string? Sms, string? ActionLink)
{
    /// <summary>A new draft starts from wording that already meets the rules (the unsubscribe link in both bodies).</summary>
    public static readonly CampaignForm Starter = new(
        null, null, ["email"],
        "{{first_name}}, {{bill_title}} is at {{stage}}",
        "<p>Dear {{first_name}},</p>\n<p>Please ask {{mp_name}} to act: <a href=\"{{action_link}}\">{{action_link}}</a></p>\n<p>{{charity_name}} · <a href=\"{{unsubscribe_link}}\">Unsubscribe</a></p>",
        "Dear {{first_name}},\n\nPlease ask {{mp_name}} to act: {{action_link}}\n\n{{charity_name}} · Unsubscribe: {{unsubscribe_link}}",
        "{{first_name}}, {{bill_title}} is at {{stage}}. Act: {{action_link}}",
        null);

    /// <summary>A draft's content as the form shows it, to edit.</summary>
    internal static CampaignForm From(CampaignContent content) => new(
        content.Name, content.SegmentId, [.. content.Channels.Select(c => c == Channel.Sms ? "sms" : "email")],
        content.Email?.Subject, content.Email?.Html, content.Email?.Text, content.Sms, content.ActionLink?.OriginalString);

    internal CampaignContent ToContent() => new()
    {
        Name = Name?.Trim() ?? string.Empty,
        SegmentId = SegmentId ?? string.Empty,
        Channels = [.. Channels.Select(c => c == "sms" ? Channel.Sms : Channel.Email).Distinct()],
        Email = Channels.Contains("email") ? new EmailContent(null, Subject, Html, Text) : null,
        Sms = Channels.Contains("sms") ? Sms : null,
        ActionLink = string.IsNullOrWhiteSpace(ActionLink) ? null : Uri.TryCreate(ActionLink.Trim(), UriKind.RelativeOrAbsolute, out Uri? link) ? link : new Uri("invalid", UriKind.Relative),
    };
}

/// <summary>
/// One campaign's page: what it says, how it looks to a recipient, where it is, and what came of it.
/// <see cref="MayApprove"/> is false for its own drafter where a second approver is required.
/// </summary>
public sealed record CampaignModel(
    CampaignResponse Campaign, string? SegmentName, IReadOnlyDictionary<Channel, ChannelPreview>? Preview, CampaignReport? Report,
    IReadOnlyList<OutboxMessage> Outbox, bool MayApprove = true, IReadOnlyList<RecipientStatus>? Recipient = null);

/// <summary>What the campaign page reads, bound as one parameter.</summary>
internal sealed record CampaignPageServices(
    CampaignStore Store, SegmentStore Segments, CampaignPreviews Previews, CampaignReports Reports, AlertsStorage Storage, CampaignActions Actions);

/// <summary>Campaigns: the list, the draft editor, the campaign page with preview, test send, approval, sending and the report.</summary>
internal static class CampaignsPages
{
    public static RouteGroupBuilder MapCampaignsPages(this RouteGroupBuilder console)
    {
        console.MapGet("/campaigns", ListAsync);
        console.MapGet("/campaigns/new", NewAsync).RequiresConsoleWrite();
        console.MapPost("/campaigns", CreateAsync).WithName("ConsoleCreateCampaign");
        console.MapGet("/campaigns/{id}", ShowAsync);
        console.MapPost("/campaigns/{id}/test-send", TestSendAsync).WithName("ConsoleTestSendCampaign").RequiresSendScope();
        console.MapPost("/campaigns/{id}/approve", ApproveAsync).WithName("ConsoleApproveCampaign").RequiresSendScope();
        console.MapPost("/campaigns/{id}/send", SendAsync).WithName("ConsoleSendCampaign").RequiresSendScope();
        console.MapPost("/campaigns/{id}/cancel", CancelAsync).WithName("ConsoleCancelCampaign").RequiresSendScope();
        console.MapGet("/campaigns/{id}/edit", EditAsync).RequiresConsoleWrite();
        console.MapPost("/campaigns/{id}/edit", SaveEditAsync).WithName("ConsoleEditCampaign");
        console.MapPost("/campaigns/{id}/schedule", ScheduleAsync).WithName("ConsoleScheduleCampaign").RequiresSendScope();
        // A POST only to keep the address out of the URL: looking, not changing.
        console.MapPost("/campaigns/{id}/recipient", RecipientAsync).WithName("ConsoleFindCampaignRecipient").WithMetadata(new StaffScopeMetadata(StaffScopes.Read));
        console.MapGet("/campaigns/{id}/resend-unknown", ConfirmResendAsync).WithMetadata(new StaffScopeMetadata(StaffScopes.Send));
        console.MapPost("/campaigns/{id}/resend-unknown", ResendUnknownAsync).WithName("ConsoleResendUnknown").RequiresSendScope();
        return console;
    }

    /// <summary>A page that only shows a form for changes: write scope, although it is a GET.</summary>
    private static RouteHandlerBuilder RequiresConsoleWrite(this RouteHandlerBuilder endpoint) =>
        endpoint.WithMetadata(new StaffScopeMetadata(StaffScopes.Write));

    private static async Task<IResult> ListAsync(HttpContext http, CampaignStore campaigns, CancellationToken cancellationToken) =>
        ConsolePage.Show<CampaignsPage>(new
        {
            User = ConsoleUser.From(http.User),
            Campaigns = (await campaigns.ListAsync(cancellationToken: cancellationToken)).OrderByDescending(c => c.UpdatedAt).Select(CampaignsApi.ToResponse).ToList(),
        });

    private static async Task<IResult> NewAsync(HttpContext http, SegmentStore segments, CancellationToken cancellationToken) =>
        await EditorAsync(http, segments, CampaignForm.Starter, null, cancellationToken);

    private static async Task<IResult> EditorAsync(
        HttpContext http, SegmentStore segments, CampaignForm form, IReadOnlyDictionary<string, string[]>? errors, CancellationToken cancellationToken, string? campaignId = null) =>
        ConsolePage.Show<CampaignEditorPage>(new
        {
            User = ConsoleUser.From(http.User),
            Segments = (await segments.ListAsync(cancellationToken)).Select(SegmentsApi.ToResponse).OrderBy(s => s.Definition.Name).ToList(),
            Placeholders = Placeholders.All.Select(p => new KeyValuePair<string, string>(p.Name, p.Meaning)).ToList(),
            Form = form, Errors = errors, CampaignId = campaignId,
        }, errors is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);

    private static async Task<IResult> CreateAsync(
        [FromForm] string? name, [FromForm] string? segmentId, [FromForm] Microsoft.Extensions.Primitives.StringValues channels, [FromForm] string? subject, [FromForm] string? html,
        [FromForm] string? text, [FromForm] string? sms, [FromForm] string? actionLink,
        HttpContext http, CampaignActions campaigns, SegmentStore segments, CancellationToken cancellationToken)
    {
        var form = new CampaignForm(name, segmentId, [.. channels.OfType<string>()], subject, html, text, sms, actionLink);
        CampaignOutcome outcome = await campaigns.CreateDraftAsync(form.ToContent(), Actors.Of(http.User), cancellationToken: cancellationToken);
        return outcome.Change == CampaignChange.Invalid
            ? await EditorAsync(http, segments, form, outcome.Errors, cancellationToken)
            : ConsolePage.After($"/console/campaigns/{outcome.Campaign!.Id}", "drafted");
    }

    private static async Task<IResult> ShowAsync(
        string id, HttpContext http, [AsParameters] CampaignPageServices services, CancellationToken cancellationToken, string? notice = null) =>
        await PageAsync(id, http, services, Notices.GetValueOrDefault(notice ?? ""), null, null, cancellationToken);

    private static readonly Dictionary<string, string> Notices = new()
    {
        ["drafted"] = "Draft saved. Check the preview, test-send it to yourself, then approve it.",
        ["approved"] = "Approved. It goes to the segment as it is now, whatever is done to the segment later.",
        ["sending"] = "Sending has started. This page shows how far it has got; refresh it to see more.",
        ["scheduled"] = "Scheduled.",
        ["cancelled"] = "Cancelled. Nothing more will be sent.",
        ["edited"] = "Draft saved. Check the preview again before you approve it.",
        ["resending"] = "The unknown deliveries are being sent again. Refresh this page to see them.",
    };

    private static async Task<IResult> PageAsync(
        string id, HttpContext http, CampaignPageServices services,
        string? notice, string? problem, IReadOnlyList<string>? testResults, CancellationToken cancellationToken, int status = StatusCodes.Status200OK,
        IReadOnlyDictionary<string, string[]>? errors = null, IReadOnlyList<RecipientStatus>? recipient = null)
    {
        var user = ConsoleUser.From(http.User);
        if (await services.Store.GetAsync(id, cancellationToken) is not { } campaign)
        {
            return ConsolePage.Show<NotFoundPage>(new { User = user, What = "There is no such campaign.", Back = "/console/campaigns" }, StatusCodes.Status404NotFound);
        }

        string? segmentName = (await services.Segments.GetAsync(campaign.Content.SegmentId, cancellationToken))?.Definition.Name;
        bool underWay = campaign.State is CampaignState.Sending or CampaignState.Completed or CampaignState.Failed or CampaignState.Cancelled;
        var model = new CampaignModel(
            CampaignsApi.ToResponse(campaign), segmentName,
            underWay ? null : await services.Previews.PreviewAsync(id, null, cancellationToken),
            underWay ? await services.Reports.ReportAsync(id, cancellationToken) : null,
            underWay ? await OutboxChannel.ReadAsync(services.Storage, id, 20, cancellationToken) : [],
            MayApprove: services.Actions.MayApprove(campaign, Actors.Of(http.User)),
            Recipient: recipient);
        return ConsolePage.Show<CampaignPage>(new { User = user, Model = model, Notice = notice, Problem = problem, TestResults = testResults, Errors = errors }, status);
    }

    private static async Task<IResult> TestSendAsync(
        string id, [FromForm] string? emails, [FromForm] string? phones, HttpContext http, [AsParameters] CampaignPageServices services, CancellationToken cancellationToken)
    {
        TestSendOutcome? sent = await services.Previews.TestSendAsync(id, [.. ConsolePage.List(emails)], [.. ConsolePage.List(phones)], cancellationToken);
        string? problem = sent is { Errors.Count: > 0 } ? string.Join(" ", sent.Errors.Values.SelectMany(v => v)) : null;
        return await PageAsync(id, http, services, problem is null ? "Test sent." : null, problem,
            sent?.Results, cancellationToken, problem is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> ApproveAsync(
        string id, HttpContext http, CampaignActions campaigns, [AsParameters] CampaignPageServices services, CancellationToken cancellationToken) =>
        await ChangeAsync(id, http, services, await campaigns.ApproveAsync(id, ConsoleUser.From(http.User).Name, Actors.Of(http.User), cancellationToken),
            "approved", "It was not approved: only a draft can be approved, and this campaign is {0}.", cancellationToken);

    private static async Task<IResult> SendAsync(
        string id, HttpContext http, CampaignActions campaigns, [AsParameters] CampaignPageServices services, CancellationToken cancellationToken) =>
        await ChangeAsync(id, http, services, await campaigns.SendAsync(id, null, Actors.Of(http.User), cancellationToken),
            "sending", "It was not sent: only an approved or scheduled campaign can be sent, and this one is {0}.", cancellationToken);

    private static async Task<IResult> CancelAsync(
        string id, HttpContext http, CampaignActions campaigns, [AsParameters] CampaignPageServices services, CancellationToken cancellationToken) =>
        await ChangeAsync(id, http, services, await campaigns.CancelAsync(id, Actors.Of(http.User), cancellationToken),
            "cancelled", "It could not be cancelled: it is already {0}.", cancellationToken);

    /// <summary>After a state change, back to the campaign; one that could not be made (approving twice, sending a draft) is explained in words.</summary>
    private static async Task<IResult> ChangeAsync(
        string id, HttpContext http, CampaignPageServices services, CampaignOutcome outcome, string notice, string conflict, CancellationToken cancellationToken) =>
        outcome.Change switch
        {
            CampaignChange.Done => ConsolePage.After($"/console/campaigns/{id}", notice),
            CampaignChange.NotFound => await PageAsync(id, http, services, null, null, null, cancellationToken),
            CampaignChange.Invalid => await PageAsync(id, http, services, null, string.Join(" ", outcome.Errors!.Values.SelectMany(v => v)), null, cancellationToken,
                StatusCodes.Status400BadRequest),
            CampaignChange.NeedsSecondApprover => await PageAsync(id, http, services, null,
                "Not approved: you drafted this campaign, and this app requires someone else to approve it.", null, cancellationToken, StatusCodes.Status403Forbidden),
            _ => await PageAsync(id, http, services, null,
                string.Format(System.Globalization.CultureInfo.InvariantCulture, conflict, outcome.Campaign!.State.ToString().ToLowerInvariant()), null, cancellationToken,
                StatusCodes.Status409Conflict),
        };

    private static async Task<IResult> EditAsync(string id, HttpContext http, CampaignStore store, SegmentStore segments, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is not { } campaign
            ? ConsolePage.Show<NotFoundPage>(new { User = ConsoleUser.From(http.User), What = "There is no such campaign.", Back = "/console/campaigns" }, StatusCodes.Status404NotFound)
            : campaign.State != CampaignState.Draft
                ? ConsolePage.After($"/console/campaigns/{id}")
                : await EditorAsync(http, segments, CampaignForm.From(campaign.Content), null, cancellationToken, id);

    /// <summary>Saves an edited draft. What the form does not show (the bill and division a rule filled in, how MPs voted) is kept.</summary>
    private static async Task<IResult> SaveEditAsync(
        string id, [FromForm] string? name, [FromForm] string? segmentId, [FromForm] Microsoft.Extensions.Primitives.StringValues channels, [FromForm] string? subject,
        [FromForm] string? html, [FromForm] string? text, [FromForm] string? sms, [FromForm] string? actionLink,
        HttpContext http, CampaignActions campaigns, [AsParameters] CampaignPageServices services, CancellationToken cancellationToken)
    {
        var form = new CampaignForm(name, segmentId, [.. channels.OfType<string>()], subject, html, text, sms, actionLink);
        if (await services.Store.GetAsync(id, cancellationToken) is not { } existing)
        {
            return await PageAsync(id, http, services, null, null, null, cancellationToken);
        }

        CampaignContent content = form.ToContent() with { Bill = existing.Content.Bill, MpVoted = existing.Content.MpVoted };
        CampaignOutcome outcome = await campaigns.EditDraftAsync(id, content, Actors.Of(http.User), cancellationToken);
        return outcome.Change switch
        {
            CampaignChange.Invalid => await EditorAsync(http, services.Segments, form, outcome.Errors, cancellationToken, id),
            _ => await ChangeAsync(id, http, services, outcome, "edited", "It was not saved: only a draft can be edited, and this campaign is {0}.", cancellationToken),
        };
    }

    /// <summary>Schedules an approved campaign for a day and time in Europe/London (stored in UTC).</summary>
    private static async Task<IResult> ScheduleAsync(
        string id, [FromForm] string? day, [FromForm] string? at, HttpContext http, CampaignActions campaigns, TimeProvider time,
        [AsParameters] CampaignPageServices services, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        DateTimeOffset? when = null;
        if (!DateOnly.TryParseExact(day?.Trim(), "yyyy-MM-dd", out DateOnly date))
        {
            errors["day"] = ["Give the day, e.g. 2026-12-07."];
        }
        else if (!TimeOnly.TryParseExact(at?.Trim(), "HH:mm", out TimeOnly clock))
        {
            errors["at"] = ["Give the time as HH:MM, e.g. 09:00."];
        }
        else if ((when = ConsoleFormat.InLondon(date, clock)) <= time.GetUtcNow())
        {
            errors["at"] = ["That time has passed: choose a later one, or send it now."];
        }

        return errors.Count > 0
            ? await PageAsync(id, http, services, null, "It was not scheduled: see the message by the field.", null, cancellationToken, StatusCodes.Status400BadRequest, errors)
            : await ChangeAsync(id, http, services, await campaigns.SendAsync(id, when, Actors.Of(http.User), cancellationToken),
                "scheduled", "It was not scheduled: only an approved campaign can be scheduled, and this one is {0}.", cancellationToken);
    }

    /// <summary>What happened to one recipient, found by their email or phone (sent in the form, never the URL).</summary>
    private static async Task<IResult> RecipientAsync(
        string id, [FromForm] string? address, HttpContext http, SupporterDirectory supporters, [AsParameters] CampaignPageServices services, CancellationToken cancellationToken)
    {
        string given = address?.Trim() ?? string.Empty;
        Supporter? supporter = given.Contains('@', StringComparison.Ordinal)
            ? await supporters.FindAsync(Channel.Email, given, cancellationToken)
            : given.Length > 0 ? await supporters.FindAsync(Channel.Sms, given, cancellationToken) : null;
        IReadOnlyList<RecipientStatus> statuses = supporter is null ? [] : await services.Reports.RecipientAsync(id, supporter.Id, cancellationToken);
        return supporter is null || statuses.Count == 0
            ? await PageAsync(id, http, services, null, null, null, cancellationToken, StatusCodes.Status404NotFound, new Dictionary<string, string[]>
            {
                ["address"] = [supporter is null ? "No supporter has this email address or mobile number." : "This campaign has sent them nothing (yet)."],
            })
            : await PageAsync(id, http, services, null, null, null, cancellationToken, recipient: statuses);
    }

    private static async Task<IResult> ConfirmResendAsync(string id, HttpContext http, CampaignReports reports, CancellationToken cancellationToken) =>
        await reports.ReportAsync(id, cancellationToken) is { } report
            ? ConsolePage.Show<ResendUnknownPage>(new
            {
                User = ConsoleUser.From(http.User), CampaignId = id,
                Unknown = report.Channels.ToDictionary(c => c.Key, c => c.Value.ByStatus.GetValueOrDefault("unknown")),
            })
            : ConsolePage.Show<NotFoundPage>(new { User = ConsoleUser.From(http.User), What = "There is no such campaign.", Back = "/console/campaigns" }, StatusCodes.Status404NotFound);

    private static async Task<IResult> ResendUnknownAsync(string id, HttpContext http, CampaignActions campaigns, CancellationToken cancellationToken)
    {
        await campaigns.ResendUnknownAsync(id, Actors.Of(http.User), cancellationToken);
        return ConsolePage.After($"/console/campaigns/{id}", "resending");
    }
}
