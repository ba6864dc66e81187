using Alerts.Api;
using Alerts.Audit;
using Alerts.StaffConsole.Pages;
using Alerts.Supporters;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Alerts.StaffConsole;

/// <summary>Importing a CSV of supporters: a dry run first by default, then the per-row report.</summary>
internal static class ImportPages
{
    public static RouteGroupBuilder MapImportPages(this RouteGroupBuilder console)
    {
        console.MapGet("/import", (HttpContext http) => ConsolePage.Show<ImportPage>(new { User = ConsoleUser.From(http.User) }));
        console.MapPost("/import", ImportAsync).WithName("ConsoleImportSupporters")
            .AllowsBodyOf(SupportersApi.MaxImportBytes).WithMetadata(new RequestSizeLimitAttribute(SupportersApi.MaxImportBytes));
        console.MapGet("/import/{id}", JobAsync);
        return console;
    }

    /// <summary>A background import: how far it has got, then its report.</summary>
    private static async Task<IResult> JobAsync(string id, HttpContext http, ImportJobs jobs, CancellationToken cancellationToken) =>
        await jobs.GetAsync(id, cancellationToken) is { } job
            ? ConsolePage.Show<ImportPage>(new { User = ConsoleUser.From(http.User), Job = job })
            : ConsolePage.Show<NotFoundPage>(new { User = ConsoleUser.From(http.User), What = "There is no such import.", Back = "/console/import" }, StatusCodes.Status404NotFound);

    private static async Task<IResult> ImportAsync(
        IFormFile? file, [FromForm] string? mode, HttpContext http, SupporterImporter importer, ImportJobs jobs, IOptions<SupportersOptions> options,
        CancellationToken cancellationToken)
    {
        var user = ConsoleUser.From(http.User);
        if (file is null || file.Length == 0)
        {
            return ConsolePage.Show<ImportPage>(new { User = user, Errors = new Dictionary<string, string[]> { ["file"] = ["Choose a CSV file to import."] } }, StatusCodes.Status400BadRequest);
        }

        bool dryRun = mode != "import";
        await using Stream body = file.OpenReadStream();
        if (file.Length > options.Value.BackgroundImportBytes)
        {
            // Too long to finish within one request behind Azure's front end: in the background, its progress shown.
            ImportJob job = await jobs.StartAsync(body, Path.GetFileName(file.FileName), dryRun, Actors.Of(http.User), cancellationToken);
            return TypedResults.Redirect($"/console/import/{job.Id}");
        }

        ImportReport report = await importer.ImportAsync(body, ImportFormat.Csv, dryRun, Actors.Of(http.User), cancellationToken);
        return ConsolePage.Show<ImportPage>(new { User = user, Report = report, FileName = Path.GetFileName(file.FileName) });
    }
}
