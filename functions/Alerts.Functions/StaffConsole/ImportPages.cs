using Alerts.Api;
using Alerts.Audit;
using Alerts.StaffConsole.Pages;
using Alerts.Supporters;
using Microsoft.AspNetCore.Mvc;

namespace Alerts.StaffConsole;

/// <summary>Importing a CSV of supporters: a dry run first by default, then the per-row report.</summary>
internal static class ImportPages
{
    public static RouteGroupBuilder MapImportPages(this RouteGroupBuilder console)
    {
        console.MapGet("/import", (HttpContext http) => ConsolePage.Show<ImportPage>(new { User = ConsoleUser.From(http.User) }));
        console.MapPost("/import", ImportAsync).WithName("ConsoleImportSupporters")
            .AllowsBodyOf(SupportersApi.MaxImportBytes).WithMetadata(new RequestSizeLimitAttribute(SupportersApi.MaxImportBytes));
        return console;
    }

    private static async Task<IResult> ImportAsync(
        IFormFile? file, [FromForm] string? mode, HttpContext http, SupporterImporter importer, CancellationToken cancellationToken)
    {
        var user = ConsoleUser.From(http.User);
        if (file is null || file.Length == 0)
        {
            return ConsolePage.Show<ImportPage>(new { User = user, Errors = new Dictionary<string, string[]> { ["file"] = ["Choose a CSV file to import."] } }, StatusCodes.Status400BadRequest);
        }

        bool dryRun = mode != "import";
        await using Stream body = file.OpenReadStream();
        ImportReport report = await importer.ImportAsync(body, ImportFormat.Csv, dryRun, Actors.Of(http.User), cancellationToken);
        return ConsolePage.Show<ImportPage>(new { User = user, Report = report, FileName = Path.GetFileName(file.FileName) });
    }
}
