using System.Security.Claims;
using Alerts.Audit;
using Alerts.Api;
using Alerts.Segments;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alerts.Supporters;

public sealed record ConsentResponse(ConsentStatus Status, LawfulBasis? Basis, string? Source, DateTimeOffset? ObtainedAt,
    bool ObtainedDirectly, bool OptOutOfferedAtCollection, bool AllowsSending);

public sealed record SupporterResponse(
    string Id, string? FirstName, string? LastName, string? Email, string? Phone, string? Postcode,
    string? Constituency, string? MpName, int? MpMemberId, string Enrichment, IReadOnlyList<string> Tags,
    ConsentResponse EmailConsent, ConsentResponse SmsConsent, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record SupporterExport(SupporterResponse Supporter, IReadOnlyDictionary<Channel, SuppressionResponse?> Suppressions, DateTimeOffset ExportedAt);

public sealed record SuppressionResponse(string Reason, string Source, DateTimeOffset At);

public sealed record FindSupporterRequest(string? Email, string? Phone);

public sealed record TagChangeRequest(IReadOnlyList<string>? Add, IReadOnlyList<string>? Remove);

public sealed record SupporterPage(IReadOnlyList<SupporterSummary> Items, int Count);

public sealed record SupporterSummary(string Id, string? FirstName, IReadOnlyList<string> Tags, bool EmailOk, bool SmsOk);

/// <summary>Staff endpoints for supporters: one at a time, by tag, and in bulk.</summary>
internal static class SupportersApi
{
    /// <summary>A 100,000-row CSV is about 15 MB; an import is streamed, so this bounds time, not memory.</summary>
    public const long MaxImportBytes = 100L * 1024 * 1024;

    public static RouteGroupBuilder MapSupportersApi(this RouteGroupBuilder api)
    {
        api.MapPost("/supporters", CreateAsync).WithName("CreateSupporter");
        api.MapGet("/supporters/{id}", GetAsync).WithName("GetSupporter");
        api.MapPatch("/supporters/{id}", UpdateAsync).WithName("UpdateSupporter");
        api.MapDelete("/supporters/{id}", EraseAsync).WithName("EraseSupporter");
        api.MapGet("/supporters/{id}/export", ExportAsync).WithName("ExportSupporter");
        api.MapPost("/supporters/{id}/tags", ChangeTagsAsync).WithName("ChangeSupporterTags");
        api.MapPut("/supporters/{id}/consent/{channel}", RecordConsentAsync).WithName("RecordSupporterConsent");
        api.MapPost("/supporters/{id}/reindex", ReindexAsync).WithName("ReindexSupporter");
        api.MapPost("/supporters/find", FindAsync).WithName("FindSupporter");
        api.MapGet("/supporters", ListByTagAsync).WithName("ListSupportersByTag");
        api.MapPost("/supporters/import", ImportAsync).WithName("ImportSupporters").DisableAntiforgery().AllowsBodyOf(MaxImportBytes);
        api.MapGet("/supporters/imports/{id}", GetImportAsync).WithName("GetSupporterImport");
        return api;
    }

    private static async Task<Results<Created<SupporterResponse>, Ok<SupporterResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        SupporterInput input, ClaimsPrincipal user, SupporterDirectory directory, CancellationToken cancellationToken)
    {
        SaveOutcome outcome = await directory.UpsertAsync(input, "staff", Actors.Of(user), cancellationToken: cancellationToken);
        return outcome.Result switch
        {
            SaveResult.Invalid => TypedResults.ValidationProblem(outcome.Errors),
            SaveResult.ConsentConflict => ConsentConflict(outcome.Errors),
            SaveResult.Created => TypedResults.Created($"/api/v1/supporters/{outcome.Supporter!.Id}", outcome.Supporter.ToResponse()),
            _ => TypedResults.Ok(outcome.Supporter!.ToResponse()),
        };
    }

    private static async Task<Results<Ok<SupporterResponse>, NotFound>> GetAsync(string id, SupporterDirectory directory, CancellationToken cancellationToken) =>
        await directory.GetAsync(id, cancellationToken) is { } supporter ? TypedResults.Ok(supporter.ToResponse()) : TypedResults.NotFound();

    private static async Task<Results<Ok<SupporterResponse>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string id, SupporterInput input, ClaimsPrincipal user, SupporterDirectory directory, CancellationToken cancellationToken) =>
        Map(await directory.UpdateAsync(id, input, "staff", Actors.Of(user), cancellationToken));

    private static async Task<Results<NoContent, NotFound>> EraseAsync(string id, ClaimsPrincipal user, SupporterDirectory directory, CancellationToken cancellationToken) =>
        await directory.EraseAsync(id, Actors.Of(user), cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Results<Ok<SupporterExport>, NotFound>> ExportAsync(string id, SupporterDirectory directory, CancellationToken cancellationToken) =>
        await directory.ExportAsync(id, cancellationToken) is { } export ? TypedResults.Ok(export) : TypedResults.NotFound();

    private static async Task<Results<Ok<SupporterResponse>, NotFound, ValidationProblem, ProblemHttpResult>> ChangeTagsAsync(
        string id, TagChangeRequest request, ClaimsPrincipal user, SupporterDirectory directory, CancellationToken cancellationToken) =>
        Map(await directory.ChangeTagsAsync(id, request.Add ?? [], request.Remove ?? [], Actors.Of(user), cancellationToken));

    private static async Task<Results<Ok<SupporterResponse>, NotFound, ValidationProblem, ProblemHttpResult>> RecordConsentAsync(
        string id, string channel, ConsentInput consent, ClaimsPrincipal user, SupporterDirectory directory, CancellationToken cancellationToken)
    {
        if (!Enum.TryParse(channel, ignoreCase: true, out Channel parsed) || !Enum.IsDefined(parsed) || channel.Any(char.IsDigit))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["channel"] = ["Use email or sms."] });
        }

        // The body is the channel's consent alone, so its errors name its own fields ("obtainedAt", not "smsConsent.obtainedAt").
        SaveOutcome outcome = await directory.UpdateAsync(id,
            parsed == Channel.Email ? new SupporterInput { EmailConsent = consent } : new SupporterInput { SmsConsent = consent },
            "staff", Actors.Of(user), cancellationToken);
        return Map(outcome with { Errors = outcome.Errors.ToDictionary(e => e.Key[(e.Key.IndexOf('.', StringComparison.Ordinal) + 1)..], e => e.Value) });
    }

    private static async Task<Results<NoContent, NotFound>> ReindexAsync(string id, SupporterDirectory directory, CancellationToken cancellationToken) =>
        await directory.ReindexAsync(id, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();

    // POST, not GET: an email address or phone number in a query string ends up in logs.
    private static async Task<Results<Ok<SupporterResponse>, NotFound, ValidationProblem>> FindAsync(
        FindSupporterRequest request, SupporterDirectory directory, CancellationToken cancellationToken)
    {
        if ((request.Email is null) == (request.Phone is null))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["email"] = ["Give either email or phone."] });
        }

        Supporter? supporter = request.Email is not null
            ? await directory.FindAsync(Channel.Email, request.Email, cancellationToken)
            : await directory.FindAsync(Channel.Sms, request.Phone!, cancellationToken);
        return supporter is null ? TypedResults.NotFound() : TypedResults.Ok(supporter.ToResponse());
    }

    private static async Task<Results<Ok<SupporterPage>, ValidationProblem>> ListByTagAsync(
        string? tag, SegmentIndex index, CancellationToken cancellationToken, int limit = 100)
    {
        if (tag is null || ContactValidation.ValidateTag(tag) is not null || limit is < 1 or > 1000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [tag is null || ContactValidation.ValidateTag(tag) is not null ? "tag" : "limit"] = ["Give a valid tag and a limit from 1 to 1000."],
            });
        }

        var items = new List<SupporterSummary>();
        await foreach (IndexRow row in index.ReadAsync(SegmentIndex.TagPartition(tag), cancellationToken))
        {
            items.Add(new SupporterSummary(row.SupporterId, null, row.Tags, row.EmailOk, row.SmsOk));
            if (items.Count == limit)
            {
                break;
            }
        }

        return TypedResults.Ok(new SupporterPage(items, items.Count));
    }

    /// <summary>
    /// Imports the file and answers with its report; or, asked with <c>Prefer: respond-async</c> (RFC 7240),
    /// stores a CSV and imports it in the background, answering 202 with where to follow it, as the console
    /// does for a large file. A request behind Azure's front end ends after about four minutes, which a large
    /// file outlasts.
    /// </summary>
    private static async Task<Results<Ok<ImportReport>, Accepted<ImportJobResponse>, ValidationProblem>> ImportAsync(
        HttpRequest request, SupporterImporter importer, ImportJobs jobs, CancellationToken cancellationToken, bool dryRun = false)
    {
        string? mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        ImportFormat? format = mediaType switch
        {
            "text/csv" => ImportFormat.Csv,
            "application/json" => ImportFormat.Json,
            _ => null,
        };
        if (format is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["Content-Type"] = ["Send text/csv or application/json."] });
        }

        string actor = Actors.Of(request.HttpContext.User);
        if (PrefersAsync(request))
        {
            if (format != ImportFormat.Csv)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["Content-Type"] = ["A background import takes text/csv."] });
            }

            ImportJob job = await jobs.StartAsync(request.Body, "import.csv", dryRun, actor, cancellationToken);
            request.HttpContext.Response.Headers["Preference-Applied"] = "respond-async";
            request.HttpContext.Response.Headers.RetryAfter = "5";
            return TypedResults.Accepted($"/api/v1/supporters/imports/{job.Id}", ImportJobResponse.From(job));
        }

        try
        {
            return TypedResults.Ok(await importer.ImportAsync(request.Body, format.Value, dryRun, actor, cancellationToken));
        }
        catch (System.Text.Json.JsonException ex)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["The file is not a JSON array of supporters: " + Api.JsonErrors.Reason(ex)] });
        }
    }

    /// <summary>A background import: how far it has got, then its report. Running, it says when to ask again.</summary>
    private static async Task<Results<Ok<ImportJobResponse>, NotFound>> GetImportAsync(string id, HttpContext http, ImportJobs jobs, CancellationToken cancellationToken)
    {
        if (await jobs.GetAsync(id, cancellationToken) is not { } job)
        {
            return TypedResults.NotFound();
        }

        if (job.State is ImportJobState.Queued or ImportJobState.Running)
        {
            http.Response.Headers.RetryAfter = "5";
        }

        return TypedResults.Ok(ImportJobResponse.From(job));
    }

    /// <summary>Whether the Prefer header (a list of preferences, each perhaps with a value and parameters) asks for respond-async.</summary>
    private static bool PrefersAsync(HttpRequest request) =>
        request.Headers["Prefer"].SelectMany(h => (h ?? "").Split(','))
            .Any(p => p.Split(';')[0].Split('=')[0].Trim().Equals("respond-async", StringComparison.OrdinalIgnoreCase));

    private static Results<Ok<SupporterResponse>, NotFound, ValidationProblem, ProblemHttpResult> Map(SaveOutcome outcome) => outcome.Result switch
    {
        SaveResult.Invalid => TypedResults.ValidationProblem(outcome.Errors),
        SaveResult.ConsentConflict => ConsentConflict(outcome.Errors),
        SaveResult.NotFound => TypedResults.NotFound(),
        _ => TypedResults.Ok(outcome.Supporter!.ToResponse()),
    };

    /// <summary>409: the supporter withdrew consent after the date given (or none was given); nothing was changed.</summary>
    private static ProblemHttpResult ConsentConflict(IReadOnlyDictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors.ToDictionary())
        {
            Status = StatusCodes.Status409Conflict,
            Title = "The supporter withdrew this consent.",
            Detail = "Consent a supporter withdrew is restored only by a new consent given after the withdrawal: give its date in obtainedAt. Nothing was changed.",
        });

    internal static SupporterResponse ToResponse(this Supporter s) => new(
        s.Id, s.FirstName, s.LastName, s.Email, s.Phone, s.Postcode, s.Constituency, s.MpName, s.MpMemberId, s.Enrichment.ToString(), s.Tags,
        ToResponse(s.EmailConsent), ToResponse(s.SmsConsent), s.CreatedAt, s.UpdatedAt);

    private static ConsentResponse ToResponse(ChannelConsent c) =>
        new(c.Status, c.Basis, c.Source, c.At, c.ObtainedDirectly, c.OptOutOfferedAtCollection, c.AllowsSending);
}
