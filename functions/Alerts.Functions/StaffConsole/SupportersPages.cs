using Alerts.Audit;
using Alerts.Security;
using Alerts.Segments;
using Alerts.StaffConsole.Pages;
using Alerts.Supporters;
using Microsoft.AspNetCore.Mvc;

namespace Alerts.StaffConsole;

/// <summary>The consent form for one channel as typed: kept as text so a refused form comes back as it was.</summary>
public sealed record ConsentForm(string Channel, string? Status, string? Basis, string? Source, string? ObtainedOn, bool ObtainedDirectly, bool OptOutOffered)
{
    internal static ConsentForm From(Channel channel, ConsentResponse consent) => new(
        channel == Supporters.Channel.Email ? "email" : "sms",
        consent.Status == ConsentStatus.None ? null : consent.Status.ToString().ToLowerInvariant(),
        consent.Basis switch { LawfulBasis.CharitableSoftOptIn => "soft-opt-in", LawfulBasis.Consent => "consent", _ => null },
        null, null, consent.ObtainedDirectly, consent.OptOutOfferedAtCollection);

    /// <summary>The consent as the staff API takes it; a date in the form is a London day, stored as its start in UTC.</summary>
    internal ConsentInput? ToInput(out string? error)
    {
        error = null;
        DateTimeOffset? obtained = null;
        if (!string.IsNullOrWhiteSpace(ObtainedOn))
        {
            if (!DateOnly.TryParseExact(ObtainedOn.Trim(), "yyyy-MM-dd", out DateOnly day))
            {
                error = "obtainedAt";
                return null;
            }

            obtained = ConsoleFormat.StartOfLondonDay(day);
        }

        return new ConsentInput
        {
            Status = Status == "granted" ? ConsentStatus.Granted : ConsentStatus.Withdrawn,
            Basis = Status != "granted" ? null : Basis == "soft-opt-in" ? LawfulBasis.CharitableSoftOptIn : LawfulBasis.Consent,
            Source = string.IsNullOrWhiteSpace(Source) ? null : Source.Trim(),
            ObtainedAt = obtained,
            ObtainedDirectly = ObtainedDirectly,
            OptOutOfferedAtCollection = OptOutOffered,
        };
    }
}

/// <summary>One supporter's page: who they are, their consent and suppression per channel, their tags.</summary>
public sealed record SupporterModel(SupporterResponse Supporter, IReadOnlyDictionary<Channel, SuppressionResponse?> Suppressions);

/// <summary>
/// Supporters: find one by email or phone (sent in a form, never in a URL), see and change their consent per
/// channel and their tags, export what is held about them, and erase them after a confirmation.
/// </summary>
internal static class SupportersPages
{
    public static RouteGroupBuilder MapSupportersPages(this RouteGroupBuilder console)
    {
        console.MapGet("/supporters", ShowAsync);
        // A POST only to keep the address out of the URL (and so out of logs and history): looking, not changing.
        console.MapPost("/supporters/find", FindAsync).WithName("ConsoleFindSupporter").WithMetadata(new StaffScopeMetadata(StaffScopes.Read));
        console.MapGet("/supporters/{id}", SupporterAsync);
        console.MapPost("/supporters/{id}/consent", RecordConsentAsync).WithName("ConsoleRecordSupporterConsent");
        console.MapPost("/supporters/{id}/tags", ChangeTagsAsync).WithName("ConsoleChangeSupporterTags");
        console.MapGet("/supporters/{id}/export", ExportAsync).WithName("ConsoleExportSupporter");
        console.MapGet("/supporters/{id}/erase", ConfirmEraseAsync).WithMetadata(new StaffScopeMetadata(StaffScopes.Write));
        console.MapPost("/supporters/{id}/erase", EraseAsync).WithName("ConsoleEraseSupporter");
        return console;
    }

    private static async Task<IResult> ShowAsync(HttpContext http, SegmentIndex index, CancellationToken cancellationToken, string? tag = null, string? notice = null)
    {
        string? tagError = tag is not null && ContactValidation.ValidateTag(tag) is { } error ? error : null;
        IReadOnlyList<SupporterSummary>? tagged = null;
        if (tag is not null && tagError is null)
        {
            tagged = await index.ReadAsync(SegmentIndex.TagPartition(tag), cancellationToken).Take(100)
                .Select(row => new SupporterSummary(row.SupporterId, row.FirstName, row.Tags, row.EmailOk, row.SmsOk)).ToListAsync(cancellationToken);
        }

        return ConsolePage.Show<SupportersPage>(new
        {
            User = ConsoleUser.From(http.User),
            Tag = tag,
            Tagged = tagged,
            Errors = tagError is null ? null : new Dictionary<string, string[]> { ["tag"] = [tagError] },
            Notice = notice == "erased" ? "Erased. Only keyed hashes of their email and phone remain, on the suppression list, so an old list can never message them again." : null,
        }, tagError is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> FindAsync([FromForm] string? email, [FromForm] string? phone, HttpContext http, SupporterDirectory directory, CancellationToken cancellationToken)
    {
        bool byEmail = !string.IsNullOrWhiteSpace(email);
        Dictionary<string, string[]>? errors = byEmail == !string.IsNullOrWhiteSpace(phone)
            ? new() { ["email"] = ["Give an email address or a mobile number (one of them)."] }
            : null;
        Supporter? found = errors is null
            ? await directory.FindAsync(byEmail ? Channel.Email : Channel.Sms, byEmail ? email! : phone!, cancellationToken)
            : null;
        if (found is not null)
        {
            return TypedResults.Redirect($"/console/supporters/{found.Id}");
        }

        return ConsolePage.Show<SupportersPage>(new
        {
            User = ConsoleUser.From(http.User),
            Email = email, Phone = phone,
            Errors = errors ?? new() { [byEmail ? "email" : "phone"] = [byEmail ? "No supporter has this email address." : "No supporter has this mobile number."] },
        }, errors is null ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> SupporterAsync(string id, HttpContext http, SupporterDirectory directory, CancellationToken cancellationToken, string? notice = null) =>
        await PageAsync(id, http, directory, Notices.GetValueOrDefault(notice ?? ""), null, null, cancellationToken);

    private static readonly Dictionary<string, string> Notices = new()
    {
        ["consent"] = "Consent recorded.",
        ["tags"] = "Tags changed.",
    };

    private static async Task<IResult> PageAsync(
        string id, HttpContext http, SupporterDirectory directory, string? notice, ConsentForm? consentForm, IReadOnlyDictionary<string, string[]>? errors,
        CancellationToken cancellationToken, int status = StatusCodes.Status200OK, string? problem = null)
    {
        var user = ConsoleUser.From(http.User);
        if (await directory.ExportAsync(id, cancellationToken) is not { } held)
        {
            return ConsolePage.Show<NotFoundPage>(new { User = user, What = "There is no such supporter (or they were erased).", Back = "/console/supporters" }, StatusCodes.Status404NotFound);
        }

        return ConsolePage.Show<SupporterDetailsPage>(new
        {
            User = user,
            Model = new SupporterModel(held.Supporter, held.Suppressions),
            ConsentForm = consentForm, Errors = errors, Notice = notice, Problem = problem,
        }, status);
    }

    /// <summary>Records one channel's consent as staff heard it: the same rules as the API (a withdrawal the supporter made stays unless the consent is dated after it).</summary>
    private static async Task<IResult> RecordConsentAsync(
        string id, [FromForm] string? channel, [FromForm] string? status, [FromForm] string? basis, [FromForm] string? source, [FromForm] string? obtainedOn,
        [FromForm] string? obtainedDirectly, [FromForm] string? optOutOffered, HttpContext http, SupporterDirectory directory, CancellationToken cancellationToken)
    {
        // An unticked box sends nothing at all: read it as text, present or not.
        var form = new ConsentForm(channel == "sms" ? "sms" : "email", status, basis, source, obtainedOn, obtainedDirectly == "true", optOutOffered == "true");
        if (status is not ("granted" or "withdrawn"))
        {
            return await PageAsync(id, http, directory, null, form, new Dictionary<string, string[]> { ["status"] = ["Choose whether they gave or withdrew consent."] },
                cancellationToken, StatusCodes.Status400BadRequest);
        }

        if (form.ToInput(out string? dateError) is not { } consent)
        {
            return await PageAsync(id, http, directory, null, form, new Dictionary<string, string[]> { [dateError!] = ["A date as YYYY-MM-DD, or leave it empty for today."] },
                cancellationToken, StatusCodes.Status400BadRequest);
        }

        SaveOutcome outcome = await directory.UpdateAsync(id,
            form.Channel == "sms" ? new SupporterInput { SmsConsent = consent } : new SupporterInput { EmailConsent = consent },
            "staff", Actors.Of(http.User), cancellationToken);
        // The form's fields are the consent's own: "emailConsent.source" is shown next to "source".
        Dictionary<string, string[]> errors = outcome.Errors.ToDictionary(e => e.Key[(e.Key.IndexOf('.', StringComparison.Ordinal) + 1)..], e => e.Value);
        return outcome.Result switch
        {
            SaveResult.Created or SaveResult.Updated or SaveResult.Unchanged => ConsolePage.After($"/console/supporters/{id}", "consent"),
            SaveResult.NotFound => await PageAsync(id, http, directory, null, null, null, cancellationToken),
            SaveResult.ConsentConflict => await PageAsync(id, http, directory, null, form, errors, cancellationToken, StatusCodes.Status409Conflict,
                "Not recorded: they withdrew consent themselves after the date given. Only a consent they gave after their withdrawal (with its date) restores it."),
            _ => await PageAsync(id, http, directory, null, form, errors, cancellationToken, StatusCodes.Status400BadRequest),
        };
    }

    private static async Task<IResult> ChangeTagsAsync(
        string id, [FromForm] string? add, [FromForm] string? remove, HttpContext http, SupporterDirectory directory, CancellationToken cancellationToken)
    {
        SaveOutcome outcome = await directory.ChangeTagsAsync(id, ConsolePage.List(add), ConsolePage.List(remove), Actors.Of(http.User), cancellationToken);
        return outcome.Result switch
        {
            SaveResult.Created or SaveResult.Updated or SaveResult.Unchanged => ConsolePage.After($"/console/supporters/{id}", "tags"),
            SaveResult.NotFound => await PageAsync(id, http, directory, null, null, null, cancellationToken),
            _ => await PageAsync(id, http, directory, null, null, outcome.Errors, cancellationToken, StatusCodes.Status400BadRequest),
        };
    }

    /// <summary>Everything held about the supporter (UK GDPR art. 15), as a JSON file to pass on: the staff API's export.</summary>
    private static async Task<IResult> ExportAsync(string id, SupporterDirectory directory, CancellationToken cancellationToken) =>
        await directory.ExportAsync(id, cancellationToken) is { } export
            ? new AttachmentResult(TypedResults.Json(export), $"supporter-{id}.json")
            : TypedResults.NotFound();

    private static async Task<IResult> ConfirmEraseAsync(string id, HttpContext http, SupporterDirectory directory, CancellationToken cancellationToken) =>
        await directory.GetAsync(id, cancellationToken) is { } supporter
            ? ConsolePage.Show<EraseSupporterPage>(new { User = ConsoleUser.From(http.User), Supporter = supporter.ToResponse() })
            : ConsolePage.Show<NotFoundPage>(new { User = ConsoleUser.From(http.User), What = "There is no such supporter (or they were erased).", Back = "/console/supporters" },
                StatusCodes.Status404NotFound);

    private static async Task<IResult> EraseAsync(string id, [FromForm] string? confirmed, HttpContext http, SupporterDirectory directory, CancellationToken cancellationToken)
    {
        if (confirmed != "true")
        {
            return await directory.GetAsync(id, cancellationToken) is { } supporter
                ? ConsolePage.Show<EraseSupporterPage>(new
                {
                    User = ConsoleUser.From(http.User), Supporter = supporter.ToResponse(),
                    Errors = new Dictionary<string, string[]> { ["confirmed"] = ["Tick the box to confirm: erasing cannot be undone."] },
                }, StatusCodes.Status400BadRequest)
                : TypedResults.NotFound();
        }

        return await directory.EraseAsync(id, Actors.Of(http.User), cancellationToken)
            ? ConsolePage.After("/console/supporters", "erased")
            : ConsolePage.Show<NotFoundPage>(new { User = ConsoleUser.From(http.User), What = "There is no such supporter (or they were erased).", Back = "/console/supporters" },
                StatusCodes.Status404NotFound);
    }

    /// <summary>A result downloaded as a file rather than shown.</summary>
    private sealed class AttachmentResult(IResult inner, string fileName) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            return inner.ExecuteAsync(httpContext);
        }
    }
}
