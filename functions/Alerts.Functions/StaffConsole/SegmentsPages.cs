using Alerts.Segments;
using Alerts.StaffConsole.Pages;
using Alerts.Supporters;
using Microsoft.AspNetCore.Mvc;

namespace Alerts.StaffConsole;

/// <summary>The segment form as typed: kept as text so a refused form comes back as it was.</summary>
public sealed record SegmentForm(string? Name, string? TagsAny, string? TagsAll, string? ExcludeTags, string? Constituencies, IReadOnlyList<string> Channels)
{
    public static readonly SegmentForm Empty = new(null, null, null, null, null, ["email", "sms"]);

    internal SegmentDefinition ToDefinition() => new()
    {
        Name = Name?.Trim() ?? string.Empty,
        TagsAny = ConsolePage.List(TagsAny),
        TagsAll = ConsolePage.List(TagsAll),
        ExcludeTags = ConsolePage.List(ExcludeTags),
        Constituencies = (Constituencies ?? string.Empty).Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        Channels = [.. Channels.Select(c => c == "sms" ? Channel.Sms : Channel.Email).Distinct()],
    };
}

/// <summary>Saved segments, and building one with its size per channel before it is saved.</summary>
internal static class SegmentsPages
{
    public static RouteGroupBuilder MapSegmentsPages(this RouteGroupBuilder console)
    {
        console.MapGet("/segments", ShowAsync);
        console.MapPost("/segments", SaveOrCountAsync).WithName("ConsoleCreateSegment");
        return console;
    }

    private static async Task<IResult> ShowAsync(HttpContext http, SegmentStore segments, CancellationToken cancellationToken, string? notice = null) =>
        ConsolePage.Show<SegmentsPage>(new
        {
            User = ConsoleUser.From(http.User),
            Segments = (await segments.ListAsync(cancellationToken)).Select(SegmentsApi.ToResponse).OrderBy(s => s.Definition.Name).ToList(),
            Form = SegmentForm.Empty,
            Notice = notice == "saved" ? "The segment is saved. Campaigns can now be sent to it." : null,
        });

    /// <summary>"Count" shows the sizes and keeps the form; "Save" saves it (a name is needed only to save).</summary>
    private static async Task<IResult> SaveOrCountAsync(
        [FromForm] string? name, [FromForm] string? tagsAny, [FromForm] string? tagsAll, [FromForm] string? excludeTags, [FromForm] string? constituencies,
        [FromForm] Microsoft.Extensions.Primitives.StringValues channels, [FromForm] string? action,
        HttpContext http, SegmentStore segments, SegmentEvaluator evaluator, TimeProvider time, CancellationToken cancellationToken)
    {
        var form = new SegmentForm(name, tagsAny, tagsAll, excludeTags, constituencies, [.. channels.OfType<string>()]);
        SegmentDefinition definition = form.ToDefinition();
        Dictionary<string, string[]> errors = definition.Validate();
        bool save = action == "save";
        if (!save)
        {
            errors.Remove("name");
        }

        SegmentCounts? counts = null;
        if (errors.Count == 0)
        {
            if (save)
            {
                await segments.CreateAsync(definition, time.GetUtcNow(), cancellationToken);
                return ConsolePage.After("/console/segments", "saved");
            }

            counts = await evaluator.CountAsync(definition, cancellationToken);
        }

        return ConsolePage.Show<SegmentsPage>(new
        {
            User = ConsoleUser.From(http.User),
            Segments = (await segments.ListAsync(cancellationToken)).Select(SegmentsApi.ToResponse).OrderBy(s => s.Definition.Name).ToList(),
            Form = form, Errors = errors, Counts = counts,
        }, errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }
}
