using System.Globalization;
using Alerts.Bills;

namespace Alerts.Divisions;

/// <summary>
/// The Commons Votes API: PascalCase JSON, <c>.json</c> in the path, query keys prefixed
/// <c>queryParameters.</c> (the spec's names; whether unprefixed ones are honoured is unconfirmed). Search
/// results carry the tellers but empty lists, so the roll needs a second call per division.
/// </summary>
internal sealed class CommonsVotesClient(HttpClient http)
{
    private const string Api = "Commons Votes API";

    /// <summary>Divisions on or after <paramref name="startDate"/>, newest first, one page.</summary>
    public async Task<IReadOnlyList<CommonsDivision>> SearchAsync(DateOnly startDate, int skip, int take, CancellationToken cancellationToken = default) =>
        await ParliamentHttp.GetAsync<List<CommonsDivision>>(http, Api, string.Create(CultureInfo.InvariantCulture,
            $"divisions.json/search?queryParameters.startDate={startDate:yyyy-MM-dd}&queryParameters.skip={skip}&queryParameters.take={take}"), cancellationToken) ?? [];

    /// <summary>One division with its full roll, or null when there is no such division.</summary>
    public Task<CommonsDivision?> GetAsync(int divisionId, CancellationToken cancellationToken = default) =>
        ParliamentHttp.GetAsync<CommonsDivision>(http, Api, string.Create(CultureInfo.InvariantCulture, $"division/{divisionId}.json"), cancellationToken, notFoundIsNull: true);
}

/// <summary>A Commons <c>PublishedDivision</c>. Tellers are null in a deferred division; the lists are empty in search results.</summary>
internal sealed record CommonsDivision(
    int DivisionId,
    DateTime Date,
    DateTime? PublicationUpdated,
    int Number,
    bool IsDeferred,
    string? Title,
    int AyeCount,
    int NoCount,
    List<CommonsMember>? AyeTellers,
    List<CommonsMember>? NoTellers,
    List<CommonsMember>? Ayes,
    List<CommonsMember>? Noes,
    List<CommonsMember>? NoVoteRecorded);

/// <summary>A member in a Commons list: <c>MemberId</c> is the Members API id we store for a supporter's MP.</summary>
internal sealed record CommonsMember(int MemberId, string? Name, string? Party, string? ProxyName);
