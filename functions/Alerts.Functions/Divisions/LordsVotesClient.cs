using System.Globalization;
using Alerts.Bills;

namespace Alerts.Divisions;

/// <summary>
/// The Lords Votes API: camelCase JSON, flat query keys, no format segment. Search results carry the
/// member lists; there is no did-not-vote list and no publication timestamp.
/// </summary>
internal sealed class LordsVotesClient(HttpClient http)
{
    private const string Api = "Lords Votes API";

    /// <summary>Divisions on or after <paramref name="startDate"/>, newest first, one page.</summary>
    public async Task<IReadOnlyList<LordsDivision>> SearchAsync(DateOnly startDate, int skip, int take, CancellationToken cancellationToken = default) =>
        await ParliamentHttp.GetAsync<List<LordsDivision>>(http, Api, string.Create(CultureInfo.InvariantCulture,
            $"Divisions/search?StartDate={startDate:yyyy-MM-dd}&skip={skip}&take={take}"), cancellationToken) ?? [];
}

/// <summary>A Lords <c>DivisionViewModel</c>: the authoritative counts are the official result; the title is the bill's name.</summary>
internal sealed record LordsDivision(
    int DivisionId,
    DateTime Date,
    int Number,
    string? Title,
    string? AmendmentMotionNotes,
    int AuthoritativeContentCount,
    int AuthoritativeNotContentCount,
    List<LordsMember>? Contents,
    List<LordsMember>? NotContents);

internal sealed record LordsMember(int MemberId, string? Name);
