using System.Security.Claims;
using Alerts.Channels;
using Alerts.Dispatch;
using Alerts.Messages;
using Alerts.Rules;
using Alerts.Security;
using Alerts.Segments;
using Alerts.Storage;
using Alerts.Supporters;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alerts.Campaigns;

public sealed record CampaignResponse(string Id, CampaignContent Content, CampaignState State, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? ScheduledAt, string? ApprovedBy, string? RuleId, int BatchesPlanned, bool PlanningComplete);

public sealed record SendRequest(DateTimeOffset? ScheduledAt);

public sealed record ApproveRequest(string? ApprovedBy);

public sealed record PreviewRequest(string? SupporterId);

public sealed record TestSendRequest(IReadOnlyList<string>? Emails, IReadOnlyList<string>? Phones);

public sealed record RecipientStatus(string SupporterId, Channel Channel, DeliveryStatus Status, string? ErrorCode, DateTimeOffset UpdatedAt, string DeliveryId);

public sealed record AlertRuleResponse(string Id, AlertRuleDefinition Definition, DateTimeOffset CreatedAt, string? CreatedBy);

/// <summary>Staff endpoints for campaigns, alert rules and the local outbox.</summary>
internal static class CampaignsApi
{
    public static RouteGroupBuilder MapCampaignsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/campaigns", CreateAsync).WithName("CreateCampaign");
        api.MapGet("/campaigns", ListAsync).WithName("ListCampaigns");
        api.MapGet("/campaigns/{id}", GetAsync).WithName("GetCampaign");
        api.MapPut("/campaigns/{id}", EditAsync).WithName("EditCampaign");
        api.MapPost("/campaigns/{id}/preview", PreviewAsync).WithName("PreviewCampaign");
        api.MapPost("/campaigns/{id}/test-send", TestSendAsync).WithName("TestSendCampaign").RequiresSendScope();
        api.MapPost("/campaigns/{id}/approve", ApproveAsync).WithName("ApproveCampaign").RequiresSendScope();
        api.MapPost("/campaigns/{id}/send", SendAsync).WithName("SendCampaign").RequiresSendScope();
        api.MapPost("/campaigns/{id}/cancel", CancelAsync).WithName("CancelCampaign").RequiresSendScope();
        api.MapPost("/campaigns/{id}/resend-unknown", ResendUnknownAsync).WithName("ResendUnknownDeliveries").RequiresSendScope();
        api.MapPost("/campaigns/{id}/retry", RetryPoisonedAsync).WithName("RetryPoisonedBatches").RequiresSendScope();
        api.MapGet("/campaigns/{id}/report", ReportAsync).WithName("GetCampaignReport");
        api.MapGet("/campaigns/{id}/recipients/{supporterId}", RecipientAsync).WithName("GetRecipientStatus");
        api.MapGet("/campaigns/{id}/outbox", OutboxAsync).WithName("ReadOutbox");
        api.MapPost("/alert-rules", CreateRuleAsync).WithName("CreateAlertRule");
        api.MapGet("/alert-rules", ListRulesAsync).WithName("ListAlertRules");
        api.MapDelete("/alert-rules/{id}", DeleteRuleAsync).WithName("DeleteAlertRule");
        return api;
    }

    private static async Task<Results<Created<CampaignResponse>, ValidationProblem>> CreateAsync(
        CampaignContent content, CampaignService campaigns, CancellationToken cancellationToken)
    {
        CampaignOutcome outcome = await campaigns.CreateDraftAsync(content, cancellationToken: cancellationToken);
        return outcome.Change == CampaignChange.Invalid
            ? TypedResults.ValidationProblem(outcome.Errors!)
            : TypedResults.Created($"/api/v1/campaigns/{outcome.Campaign!.Id}", ToResponse(outcome.Campaign));
    }

    private static async Task<Ok<List<CampaignResponse>>> ListAsync(CampaignStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListAsync(cancellationToken: cancellationToken)).Select(ToResponse).ToList());

    private static async Task<Results<Ok<CampaignResponse>, NotFound>> GetAsync(string id, CampaignStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } campaign ? TypedResults.Ok(ToResponse(campaign)) : TypedResults.NotFound();

    private static async Task<Results<Ok<CampaignResponse>, NotFound, ValidationProblem, ProblemHttpResult>> EditAsync(
        string id, CampaignContent content, CampaignService campaigns, CancellationToken cancellationToken) =>
        Map(await campaigns.EditDraftAsync(id, content, cancellationToken), "Only drafts can be edited.");

    private static async Task<Results<Ok<IReadOnlyDictionary<Channel, ChannelPreview>>, NotFound>> PreviewAsync(
        string id, PreviewRequest request, CampaignService campaigns, CancellationToken cancellationToken) =>
        await campaigns.PreviewAsync(id, request.SupporterId, cancellationToken) is { } preview ? TypedResults.Ok(preview) : TypedResults.NotFound();

    private static async Task<Results<Ok<IReadOnlyList<string>>, NotFound, ValidationProblem>> TestSendAsync(
        string id, TestSendRequest request, CampaignService campaigns, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        List<string> emails = [], phones = [];
        foreach (string email in (request.Emails ?? []).Select(e => e ?? string.Empty))
        {
            if (ContactValidation.NormaliseEmail(email, out _) is { } valid) { emails.Add(valid); } else { errors["emails"] = ["Each must be a valid email address."]; }
        }

        foreach (string phone in (request.Phones ?? []).Select(p => p ?? string.Empty))
        {
            if (ContactValidation.NormaliseMobile(phone, out _) is { } valid) { phones.Add(valid); } else { errors["phones"] = ["Each must be a valid mobile number."]; }
        }

        if (emails.Count + phones.Count is 0 or > 10)
        {
            errors["emails"] = ["Give 1 to 10 test addresses in all."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return await campaigns.TestSendAsync(id, emails, phones, cancellationToken) is { } outcomes ? TypedResults.Ok(outcomes) : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<CampaignResponse>, NotFound, ValidationProblem, ProblemHttpResult>> ApproveAsync(
        string id, ApproveRequest request, CampaignService campaigns, CancellationToken cancellationToken) =>
        request.ApprovedBy is { Length: > 200 }
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["approvedBy"] = ["At most 200 characters."] })
            : Map(await campaigns.ApproveAsync(id, request.ApprovedBy ?? "staff", cancellationToken), "Only a draft can be approved.");

    private static async Task<Results<Ok<CampaignResponse>, NotFound, ValidationProblem, ProblemHttpResult>> SendAsync(
        string id, SendRequest request, CampaignService campaigns, CancellationToken cancellationToken) =>
        Map(await campaigns.SendAsync(id, request.ScheduledAt, cancellationToken), "Only an approved (or scheduled) campaign can be sent.");

    private static async Task<Results<Ok<CampaignResponse>, NotFound, ValidationProblem, ProblemHttpResult>> CancelAsync(
        string id, CampaignService campaigns, CancellationToken cancellationToken) =>
        Map(await campaigns.CancelAsync(id, cancellationToken), "A completed, failed or cancelled campaign cannot be cancelled.");

    private static async Task<Ok<int>> ResendUnknownAsync(string id, CampaignService campaigns, CancellationToken cancellationToken) =>
        TypedResults.Ok(await campaigns.ResendUnknownAsync(id, cancellationToken));

    private static async Task<Results<Ok<int>, NotFound>> RetryPoisonedAsync(string id, CampaignService campaigns, CancellationToken cancellationToken) =>
        await campaigns.RetryPoisonedAsync(id, cancellationToken) is { } queued ? TypedResults.Ok(queued) : TypedResults.NotFound();

    private static async Task<Results<Ok<CampaignReport>, NotFound>> ReportAsync(string id, CampaignService campaigns, CancellationToken cancellationToken) =>
        await campaigns.ReportAsync(id, cancellationToken) is { } report ? TypedResults.Ok(report) : TypedResults.NotFound();

    private static async Task<Results<Ok<List<RecipientStatus>>, NotFound>> RecipientAsync(
        string id, string supporterId, DeliveryLedger ledger, CancellationToken cancellationToken)
    {
        var statuses = new List<RecipientStatus>();
        foreach (Channel channel in Enum.GetValues<Channel>())
        {
            if (await ledger.GetAsync(id, channel, supporterId, cancellationToken) is { } delivery)
            {
                statuses.Add(new RecipientStatus(supporterId, channel, delivery.Status, delivery.ErrorCode, delivery.UpdatedAt, delivery.DeliveryId));
            }
        }

        return statuses.Count > 0 ? TypedResults.Ok(statuses) : TypedResults.NotFound();
    }

    private static async Task<Ok<IReadOnlyList<OutboxMessage>>> OutboxAsync(string id, AlertsStorage storage, CancellationToken cancellationToken, int limit = 100) =>
        TypedResults.Ok(await OutboxChannel.ReadAsync(storage, id, Math.Clamp(limit, 1, 1000), cancellationToken));

    private static async Task<Results<Created<AlertRuleResponse>, ValidationProblem, ProblemHttpResult>> CreateRuleAsync(
        AlertRuleDefinition definition, ClaimsPrincipal user, AlertRuleStore rules, SegmentStore segments, Audit.AuditActor actor, TimeProvider time, CancellationToken cancellationToken)
    {
        // A rule that sends automatically approves campaigns on its own: setting one up is a send, not a write.
        if (definition.Mode == AlertRuleMode.SendAutomatically && !user.HasStaffScope(StaffScopes.Send))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The send scope is needed",
                detail: "A rule in sendAutomatically mode approves and sends campaigns by itself, so creating one needs the send scope. Use mode draft, or a key with send.");
        }

        Dictionary<string, string[]> errors = definition.Validate();
        foreach ((string key, string[] value) in MessageRenderer.Validate(definition.Campaign))
        {
            errors["campaign." + key] = value;
        }

        if (!errors.ContainsKey("campaign.segmentId") && await segments.GetAsync(definition.Campaign.SegmentId, cancellationToken) is null)
        {
            errors["campaign.segmentId"] = ["No segment has this id."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        AlertRule rule = await rules.AddAsync(definition, time.GetUtcNow(), actor.For("staff"), cancellationToken);
        return TypedResults.Created($"/api/v1/alert-rules/{rule.Id}", new AlertRuleResponse(rule.Id, rule.Definition, rule.CreatedAt, rule.CreatedBy));
    }

    private static async Task<Ok<List<AlertRuleResponse>>> ListRulesAsync(AlertRuleStore rules, CancellationToken cancellationToken) =>
        TypedResults.Ok((await rules.ListAsync(cancellationToken)).Select(r => new AlertRuleResponse(r.Id, r.Definition, r.CreatedAt, r.CreatedBy)).ToList());

    private static async Task<Results<NoContent, NotFound>> DeleteRuleAsync(string id, AlertRuleStore rules, CancellationToken cancellationToken) =>
        await rules.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static Results<Ok<CampaignResponse>, NotFound, ValidationProblem, ProblemHttpResult> Map(CampaignOutcome outcome, string wrongState) =>
        outcome.Change switch
        {
            CampaignChange.Done => TypedResults.Ok(ToResponse(outcome.Campaign!)),
            CampaignChange.NotFound => TypedResults.NotFound(),
            CampaignChange.Invalid => TypedResults.ValidationProblem(outcome.Errors!),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The campaign is " + outcome.Campaign!.State.ToString().ToLowerInvariant(), detail: wrongState),
        };

    private static CampaignResponse ToResponse(Campaign c) =>
        new(c.Id, c.Content, c.State, c.CreatedAt, c.UpdatedAt, c.ScheduledAt, c.ApprovedBy, c.RuleId, c.Plan.NextBatch, c.Plan.Complete);
}
