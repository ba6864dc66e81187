using System.Security.Claims;
using Alerts.Audit;
using Alerts.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alerts.Rules;

public sealed record AlertRuleResponse(string Id, AlertRuleDefinition Definition, DateTimeOffset CreatedAt, string? CreatedBy);

/// <summary>Staff endpoints for alert rules: when a watched bill moves, which campaign to draft (or send).</summary>
internal static class AlertRulesApi
{
    public static RouteGroupBuilder MapAlertRulesApi(this RouteGroupBuilder api)
    {
        api.MapPost("/alert-rules", CreateAsync).WithName("CreateAlertRule");
        api.MapGet("/alert-rules", ListAsync).WithName("ListAlertRules");
        api.MapDelete("/alert-rules/{id}", DeleteAsync).WithName("DeleteAlertRule");
        return api;
    }

    private static async Task<Results<Created<AlertRuleResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        AlertRuleDefinition definition, ClaimsPrincipal user, AlertRules rules, CancellationToken cancellationToken)
    {
        AlertRuleOutcome outcome = await rules.CreateAsync(definition, Actors.Of(user), user.HasStaffScope(StaffScopes.Send), cancellationToken);
        return outcome switch
        {
            { NeedsSendScope: true } => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The send scope is needed",
                detail: "A rule in sendAutomatically mode approves and sends campaigns by itself, so creating one needs the send scope. Use mode draft, or a key with send."),
            { Rule: { } rule } => TypedResults.Created($"/api/v1/alert-rules/{rule.Id}", ToResponse(rule)),
            _ => TypedResults.ValidationProblem(outcome.Errors),
        };
    }

    private static async Task<Ok<List<AlertRuleResponse>>> ListAsync(AlertRules rules, CancellationToken cancellationToken) =>
        TypedResults.Ok((await rules.ListAsync(cancellationToken)).Select(ToResponse).ToList());

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(string id, AlertRules rules, CancellationToken cancellationToken) =>
        await rules.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static AlertRuleResponse ToResponse(AlertRule rule) => new(rule.Id, rule.Definition, rule.CreatedAt, rule.CreatedBy);
}
