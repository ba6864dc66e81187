using Alerts.Audit;
using Alerts.Bills;
using Alerts.Divisions;
using Alerts.Rules;
using Alerts.Security;
using Alerts.Segments;
using Alerts.StaffConsole.Pages;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Primitives;

namespace Alerts.StaffConsole;

/// <summary>The rule form as typed: kept as text so a refused form comes back as it was.</summary>
public sealed record RuleForm(
    string? Name, string? BillId, IReadOnlyList<string> EventKinds, string? StageContains, string? House, string? Mode,
    string? ReminderDaysBefore, string? ReminderAt, IReadOnlyList<string> MpVoted, CampaignForm Campaign)
{
    public static readonly RuleForm Starter = new(null, null, ["StageReached"], null, null, "draft", null, null, [],
        CampaignForm.Starter with { Name = "{{bill_title}}: {{stage}}" });

    internal AlertRuleDefinition ToDefinition(out Dictionary<string, string[]> errors)
    {
        errors = [];
        int? billId = null;
        if (!string.IsNullOrWhiteSpace(BillId))
        {
            billId = int.TryParse(BillId, System.Globalization.CultureInfo.InvariantCulture, out int id) ? id : null;
            if (billId is null)
            {
                errors["billId"] = ["Choose a watched bill, or any watched bill."];
            }
        }

        SittingReminder? reminder = null;
        if (!string.IsNullOrWhiteSpace(ReminderDaysBefore) || !string.IsNullOrWhiteSpace(ReminderAt))
        {
            bool days = int.TryParse(ReminderDaysBefore ?? "1", System.Globalization.CultureInfo.InvariantCulture, out int daysBefore);
            bool at = TimeOnly.TryParseExact(string.IsNullOrWhiteSpace(ReminderAt) ? "09:00" : ReminderAt.Trim(), "HH:mm", out TimeOnly time);
            if (!days)
            {
                errors["reminder.daysBefore"] = ["A number of days, 0 to 14."];
            }

            if (!at)
            {
                errors["reminder.at"] = ["A time as HH:MM, e.g. 09:00."];
            }

            reminder = days && at ? new SittingReminder { DaysBefore = daysBefore, At = time } : null;
        }

        return new AlertRuleDefinition
        {
            Name = Name?.Trim() ?? string.Empty,
            BillId = billId,
            EventKinds = EventKinds,
            StageContains = string.IsNullOrWhiteSpace(StageContains) ? null : StageContains.Trim(),
            House = string.IsNullOrWhiteSpace(House) ? null : House,
            Mode = Mode == "sendAutomatically" ? AlertRuleMode.SendAutomatically : AlertRuleMode.Draft,
            Reminder = reminder,
            Campaign = Campaign.ToContent() with { MpVoted = [.. MpVoted.Select(v => Enum.TryParse(v, ignoreCase: true, out MpVote vote) ? vote : (MpVote?)null).OfType<MpVote>()] },
        };
    }
}

/// <summary>The rules page: what each rule does, and the form for a new one.</summary>
public sealed record RulesModel(IReadOnlyList<AlertRuleResponse> Rules, IReadOnlyList<WatchedBillResponse> Bills, IReadOnlyList<SegmentResponse> Segments);

/// <summary>Alert rules: list, create ("when a watched bill reaches report stage, draft this alert"), delete.</summary>
internal static class RulesPages
{
    public static RouteGroupBuilder MapRulesPages(this RouteGroupBuilder console)
    {
        console.MapGet("/rules", ShowAsync);
        console.MapPost("/rules", CreateAsync).WithName("ConsoleCreateAlertRule");
        console.MapPost("/rules/{id}/delete", DeleteAsync).WithName("ConsoleDeleteAlertRule");
        return console;
    }

    private static async Task<IResult> ShowAsync(HttpContext http, AlertRules rules, BillStore bills, SegmentStore segments, CancellationToken cancellationToken, string? notice = null) =>
        ConsolePage.Show<RulesPage>(new
        {
            User = ConsoleUser.From(http.User),
            Model = await ModelAsync(rules, bills, segments, cancellationToken),
            Form = RuleForm.Starter,
            Notice = notice switch
            {
                "created" => "The rule is saved. The next matching change to a watched bill makes its campaign.",
                "deleted" => "The rule is deleted. Campaigns it made are kept.",
                _ => null,
            },
        });

    private static async Task<RulesModel> ModelAsync(AlertRules rules, BillStore bills, SegmentStore segments, CancellationToken cancellationToken) => new(
        [.. (await rules.ListAsync(cancellationToken)).OrderBy(r => r.Definition.Name).Select(r => new AlertRuleResponse(r.Id, r.Definition, r.CreatedAt, r.CreatedBy))],
        [.. (await bills.ListWatchedAsync(cancellationToken)).Select(BillsApi.ToResponse).OrderBy(b => b.ShortTitle)],
        [.. (await segments.ListAsync(cancellationToken)).Select(SegmentsApi.ToResponse).OrderBy(s => s.Definition.Name)]);

    private static async Task<IResult> CreateAsync(
        [FromForm] string? name, [FromForm] string? billId, [FromForm] StringValues eventKinds, [FromForm] string? stageContains, [FromForm] string? house,
        [FromForm] string? mode, [FromForm] string? reminderDaysBefore, [FromForm] string? reminderAt, [FromForm] StringValues mpVoted,
        [FromForm] string? campaignName, [FromForm] string? segmentId, [FromForm] StringValues channels, [FromForm] string? subject, [FromForm] string? html,
        [FromForm] string? text, [FromForm] string? sms, [FromForm] string? actionLink,
        HttpContext http, AlertRules rules, BillStore bills, SegmentStore segments, CancellationToken cancellationToken)
    {
        var form = new RuleForm(name, billId, [.. eventKinds.OfType<string>()], stageContains, house, mode, reminderDaysBefore, reminderAt, [.. mpVoted.OfType<string>()],
            new CampaignForm(campaignName, segmentId, [.. channels.OfType<string>()], subject, html, text, sms, actionLink));
        AlertRuleDefinition definition = form.ToDefinition(out Dictionary<string, string[]> errors);
        if (errors.Count == 0)
        {
            AlertRuleOutcome outcome = await rules.CreateAsync(definition, Actors.Of(http.User), http.User.HasStaffScope(StaffScopes.Send), cancellationToken);
            if (outcome.Rule is not null)
            {
                return ConsolePage.After("/console/rules", "created");
            }

            errors = outcome.NeedsSendScope
                ? new() { ["mode"] = ["Sending automatically approves and sends by itself: it needs the send scope. Choose \"Draft the campaign for approval\"."] }
                : new(outcome.Errors);
        }

        return ConsolePage.Show<RulesPage>(new
        {
            User = ConsoleUser.From(http.User), Model = await ModelAsync(rules, bills, segments, cancellationToken), Form = form, Errors = errors,
        }, StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext http, AlertRules rules, CancellationToken cancellationToken) =>
        await rules.DeleteAsync(id, cancellationToken)
            ? ConsolePage.After("/console/rules", "deleted")
            : ConsolePage.Show<NotFoundPage>(new { User = ConsoleUser.From(http.User), What = "There is no such rule.", Back = "/console/rules" }, StatusCodes.Status404NotFound);
}
