using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Alerts.Fakes;

/// <summary>
/// Loopback Commons and Lords Votes APIs on their real paths and query keys, serving the recorded responses
/// in tests/fixtures/votes: the Commons search page (25 divisions, 1873 down to 1849, lists empty as search
/// gives them, 1869 deferred with null tellers), the Commons detail of 1873 with its full roll, and the
/// Lords search with 3172. A Commons detail with no recording is the search item itself (names not yet
/// published), as a new division looks. Search honours the start date, newest first, with skip/take.
/// </summary>
public sealed class FakeVotesApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<int, JsonObject> _commons = new();
    private readonly ConcurrentDictionary<int, JsonObject> _commonsDetail = new();
    private readonly ConcurrentDictionary<int, JsonObject> _lords = new();
    private readonly ConcurrentQueue<string> _requests = new();

    private FakeVotesApi(WebApplication app) => _app = app;

    public Uri CommonsBaseAddress { get; private set; } = null!;

    public Uri LordsBaseAddress { get; private set; } = null!;

    /// <summary>Which House answers 503 to everything.</summary>
    public bool CommonsDown { get; set; }

    public bool LordsDown { get; set; }

    public IReadOnlyCollection<string> Requests => _requests;

    public static async Task<FakeVotesApi> StartAsync(bool serveRecorded = true)
    {
        WebApplication app = LoopbackServer.Create();
        var fake = new FakeVotesApi(app);
        app.Use(async (context, next) =>
        {
            fake._requests.Enqueue(context.Request.Path + context.Request.QueryString);
            bool commons = context.Request.Path.StartsWithSegments("/commons");
            if ((commons && fake.CommonsDown) || (!commons && fake.LordsDown))
            {
                context.Response.StatusCode = 503;
                return;
            }

            await next(context);
        });
        app.MapGet("/commons/data/divisions.json/search", fake.SearchCommons);
        app.MapGet("/commons/data/division/{file}", fake.GetCommons);
        app.MapGet("/lords/data/Divisions/search", fake.SearchLords);
        await app.StartAsync();
        string address = LoopbackServer.Address(app);
        fake.CommonsBaseAddress = new Uri(address + "/commons/data/");
        fake.LordsBaseAddress = new Uri(address + "/lords/data/");
        if (serveRecorded)
        {
            foreach (JsonNode? item in RecordedCommonsSearch())
            {
                fake.AddCommons(item!.AsObject());
            }

            fake.AddCommonsDetail(RecordedCommons1873());
            foreach (JsonNode? item in JsonNode.Parse(File.ReadAllText(Fixture("snommoc_lords-divisions-search_3172.json")))!.AsArray())
            {
                fake._lords[item!["divisionId"]!.GetValue<int>()] = item.AsObject();
            }
        }

        return fake;
    }

    public static string Fixture(string name) => RepoPaths.Fixture("votes", name);

    public static JsonArray RecordedCommonsSearch() => JsonNode.Parse(File.ReadAllText(Fixture("snommoc_commons-divisions-search_2024-11.json")))!.AsArray();

    public static JsonObject RecordedCommons1873() => JsonNode.Parse(File.ReadAllText(Fixture("snommoc_commons-division-1873.json")))!.AsObject();

    public void AddCommons(JsonObject searchItem) => _commons[searchItem["DivisionId"]!.GetValue<int>()] = (JsonObject)searchItem.DeepClone();

    public void RemoveCommons(int divisionId) => _commons.TryRemove(divisionId, out _);

    /// <summary>Serves a Commons detail (the roll) and its search item (the same division with empty lists), as Parliament does once names are out.</summary>
    public void AddCommonsDetail(JsonObject detail)
    {
        int id = detail["DivisionId"]!.GetValue<int>();
        _commonsDetail[id] = (JsonObject)detail.DeepClone();
        JsonObject item = (JsonObject)detail.DeepClone();
        foreach (string list in new[] { "Ayes", "Noes", "NoVoteRecorded" })
        {
            item[list] = new JsonArray();
        }

        _commons[id] = item;
    }

    public int CountRequests(string pathPrefix) => _requests.Count(r => r.StartsWith(pathPrefix, StringComparison.OrdinalIgnoreCase));

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private IResult SearchCommons(HttpRequest request) =>
        Page(_commons.Values, d => d["Date"]!.GetValue<string>(), request.Query["queryParameters.startDate"], request.Query["queryParameters.skip"], request.Query["queryParameters.take"]);

    private IResult SearchLords(HttpRequest request) =>
        Page(_lords.Values, d => d["date"]!.GetValue<string>(), request.Query["StartDate"], request.Query["skip"], request.Query["take"]);

    private IResult GetCommons(string file)
    {
        if (!file.EndsWith(".json", StringComparison.Ordinal) || !int.TryParse(file[..^5], CultureInfo.InvariantCulture, out int id))
        {
            return Results.BadRequest();
        }

        return _commonsDetail.TryGetValue(id, out JsonObject? detail) ? Json(detail)
            : _commons.TryGetValue(id, out JsonObject? item) ? Json(item)
            : Results.NotFound();
    }

    private static IResult Page(IEnumerable<JsonObject> divisions, Func<JsonObject, string> date, string? startDate, string? skip, string? take)
    {
        DateTime from = startDate is { Length: > 0 } ? DateTime.ParseExact(startDate, "yyyy-MM-dd", CultureInfo.InvariantCulture) : DateTime.MinValue;
        var page = divisions
            .Where(d => DateTime.Parse(date(d), CultureInfo.InvariantCulture) >= from)
            .OrderByDescending(date, StringComparer.Ordinal)
            .Skip(int.TryParse(skip, CultureInfo.InvariantCulture, out int s) ? s : 0)
            .Take(int.TryParse(take, CultureInfo.InvariantCulture, out int t) ? t : 25)
            .Select(d => d.DeepClone());
        return Json(new JsonArray([.. page]));
    }

    private static IResult Json(JsonNode body) => Results.Text(body.ToJsonString(), "application/json");
}
