using System.Security.Claims;
using Alerts.Channels;
using Alerts.Audit;
using Alerts.Security;
using Alerts.Storage;
using Alerts.Supporters;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alerts.Campaigns;

public sealed record CampaignResponse(string Id, CampaignContent Content, CampaignState State, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? ScheduledAt, string? ApprovedBy, string? RuleId, int BatchesPlanned, bool PlanningComplete, string? DraftedBy = null);

public sealed record SendRequest(DateTimeOffset? ScheduledAt);

public sealed record ApproveRequest(string? ApprovedBy);

public sealed record PreviewRequest(string? SupporterId);

public sealed record TestSendRequest(IReadOnlyList<string>? Emails, IReadOnlyList<string>? Phones);

/// <summary>Staff endpoints for campaigns: drafting, checking, approving and sending, and what came of it.</summary>
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
        return api;
    }

    private static async Task<Results<Created<CampaignResponse>, ValidationProblem>> CreateAsync(
        CampaignContent content, ClaimsPrincipal user, CampaignActions campaigns, CancellationToken cancellationToken)
    {
        CampaignOutcome outcome = await campaigns.CreateDraftAsync(content, Actors.Of(user), cancellationToken: cancellationToken);
        return outcome.Change == CampaignChange.Invalid
            ? TypedResults.ValidationProblem(outcome.Errors!)
            : TypedResults.Created($"/api/v1/campaigns/{outcome.Campaign!.Id}", ToResponse(outcome.Campaign));
    }

    private static async Task<Ok<List<CampaignResponse>>> ListAsync(CampaignStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListAsync(cancellationToken: cancellationToken)).Select(ToResponse).ToList());

    private static async Task<Results<Ok<CampaignResponse>, NotFound>> GetAsync(string id, CampaignStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } campaign ? TypedResults.Ok(ToResponse(campaign)) : TypedResults.NotFound();

    private static async Task<Results<Ok<CampaignResponse>, NotFound, ValidationProblem, ProblemHttpResult>> EditAsync(
        string id, CampaignContent content, ClaimsPrincipal user, CampaignActions campaigns, CancellationToken cancellationToken) =>
        Map(await campaigns.EditDraftAsync(id, content, Actors.Of(user), cancellationToken), "Only drafts can be edited.");

    private static async Task<Results<Ok<IReadOnlyDictionary<Channel, ChannelPreview>>, NotFound>> PreviewAsync(
        string id, PreviewRequest request, CampaignPreviews previews, CancellationToken cancellationToken) =>
        await previews.PreviewAsync(id, request.SupporterId, cancellationToken) is { } preview ? TypedResults.Ok(preview) : TypedResults.NotFound();

    private static async Task<Results<Ok<IReadOnlyList<string>>, NotFound, ValidationProblem>> TestSendAsync(
        string id, TestSendRequest request, CampaignPreviews previews, CancellationToken cancellationToken) =>
        await previews.TestSendAsync(id, request.Emails ?? [], request.Phones ?? [], cancellationToken) switch
        {
            null => TypedResults.NotFound(),
            { Errors.Count: > 0 } invalid => TypedResults.ValidationProblem(invalid.Errors),
            var sent => TypedResults.Ok(sent.Results),
        };

    private static async Task<Results<Ok<CampaignResponse>, NotFound, ValidationProblem, ProblemHttpResult>> ApproveAsync(
        string id, ApproveRequest request, ClaimsPrincipal user, CampaignActions campaigns, CancellationToken cancellationToken) =>
        Map(await campaigns.ApproveAsync(id, request.ApprovedBy, Actors.Of(user), cancellationToken), "Only a draft can be approved.");

    private static async Task<Results<Ok<CampaignResponse>, NotFound, ValidationProblem, ProblemHttpResult>> SendAsync(
        string id, SendRequest request, ClaimsPrincipal user, CampaignActions campaigns, CancellationToken cancellationToken) =>
        Map(await campaigns.SendAsync(id, request.ScheduledAt, Actors.Of(user), cancellationToken), "Only an approved (or scheduled) campaign can be sent.");

    private static async Task<Results<Ok<CampaignResponse>, NotFound, ValidationProblem, ProblemHttpResult>> CancelAsync(
        string id, ClaimsPrincipal user, CampaignActions campaigns, CancellationToken cancellationToken) =>
        Map(await campaigns.CancelAsync(id, Actors.Of(user), cancellationToken), "A completed, failed or cancelled campaign cannot be cancelled.");

    private static async Task<Ok<int>> ResendUnknownAsync(string id, ClaimsPrincipal user, CampaignActions campaigns, CancellationToken cancellationToken) =>
        TypedResults.Ok(await campaigns.ResendUnknownAsync(id, Actors.Of(user), cancellationToken));

    private static async Task<Results<Ok<int>, NotFound>> RetryPoisonedAsync(string id, ClaimsPrincipal user, CampaignActions campaigns, CancellationToken cancellationToken) =>
        await campaigns.RetryPoisonedAsync(id, Actors.Of(user), cancellationToken) is { } queued ? TypedResults.Ok(queued) : TypedResults.NotFound();

    private static async Task<Results<Ok<CampaignReport>, NotFound>> ReportAsync(string id, CampaignReports reports, CancellationToken cancellationToken) =>
        await reports.ReportAsync(id, cancellationToken) is { } report ? TypedResults.Ok(report) : TypedResults.NotFound();

    private static async Task<Results<Ok<IReadOnlyList<RecipientStatus>>, NotFound>> RecipientAsync(
        string id, string supporterId, CampaignReports reports, CancellationToken cancellationToken) =>
        await reports.RecipientAsync(id, supporterId, cancellationToken) is { Count: > 0 } statuses ? TypedResults.Ok(statuses) : TypedResults.NotFound();

    private static async Task<Ok<IReadOnlyList<OutboxMessage>>> OutboxAsync(string id, AlertsStorage storage, CancellationToken cancellationToken, int limit = 100) =>
        TypedResults.Ok(await OutboxChannel.ReadAsync(storage, id, Math.Clamp(limit, 1, 1000), cancellationToken));

    private static Results<Ok<CampaignResponse>, NotFound, ValidationProblem, ProblemHttpResult> Map(CampaignOutcome outcome, string wrongState) =>
        outcome.Change switch
        {
            CampaignChange.Done => TypedResults.Ok(ToResponse(outcome.Campaign!)),
            CampaignChange.NotFound => TypedResults.NotFound(),
            CampaignChange.Invalid => TypedResults.ValidationProblem(outcome.Errors!),
            CampaignChange.NeedsSecondApprover => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Someone else must approve it",
                detail: "This campaign was drafted with your key (or account), and this app requires a second person to approve every campaign."),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The campaign is " + outcome.Campaign!.State.ToString().ToLowerInvariant(), detail: wrongState),
        };

    internal static CampaignResponse ToResponse(Campaign c) =>
        new(c.Id, c.Content, c.State, c.CreatedAt, c.UpdatedAt, c.ScheduledAt, c.ApprovedBy, c.RuleId, c.Plan.NextBatch, c.Plan.Complete, c.DraftedBy);
}
