using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Alerts.Fakes;

/// <summary>
/// Loopback postcodes.io and Members API. Members API answers reuse the real recorded constituency search
/// (snommoc_members-api_constituency_search_inverness.json), with name, ids and MP replaced for other
/// constituencies. No postcodes.io recording exists: its answers are CONSTRUCTED from the documented shape
/// (<c>{"status":200,"result":{"postcode":…,"parliamentary_constituency_2024":…}}</c>, 404 for unknown postcodes).
/// </summary>
public sealed class FakeLookupApis : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _postcodes = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, (int Id, string Mp, int MemberId)> _mps = new(StringComparer.OrdinalIgnoreCase);
    private readonly JsonObject _recordedSearch = JsonNode.Parse(File.ReadAllText(FakeBillsApi.Fixture("snommoc_members-api_constituency_search_inverness.json")))!.AsObject();

    private FakeLookupApis(WebApplication app) => _app = app;

    public Uri PostcodesBaseAddress { get; private set; } = null!;

    public Uri MembersBaseAddress { get; private set; } = null!;

    public bool Down { get; set; }

    private int _postcodeRequests;

    /// <summary>Postcode look-ups asked for, answered or not.</summary>
    public int PostcodeRequests => _postcodeRequests;

    public static async Task<FakeLookupApis> StartAsync()
    {
        WebApplication app = LoopbackServer.Create();
        var fake = new FakeLookupApis(app);
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/postcodes"))
            {
                Interlocked.Increment(ref fake._postcodeRequests);
            }

            if (fake.Down)
            {
                context.Response.StatusCode = 503;
                return;
            }

            await next(context);
        });
        app.MapGet("/postcodes/{postcode}", fake.Postcode);
        app.MapGet("/api/Location/Constituency/Search", fake.SearchConstituency);
        await app.StartAsync();
        string address = LoopbackServer.Address(app);
        fake.PostcodesBaseAddress = new Uri(address + "/");
        fake.MembersBaseAddress = new Uri(address + "/api/");
        fake.AddConstituency("IV1 1AA", "Inverness, Skye and West Ross-shire", 4483, "Mr Angus MacDonald");
        return fake;
    }

    /// <summary>
    /// Serves a postcode in a constituency (id <paramref name="id"/>) whose MP has Members API id
    /// <paramref name="memberId"/> (by default <c>id × 10</c>, so tests can tell the two ids apart).
    /// </summary>
    public void AddConstituency(string postcode, string constituency, int id, string mp, int? memberId = null)
    {
        _postcodes[postcode.Replace(" ", "", StringComparison.Ordinal)] = constituency;
        _mps[constituency] = (id, mp, memberId ?? id * 10);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private IResult Postcode(string postcode)
    {
        return _postcodes.TryGetValue(postcode.Replace(" ", "", StringComparison.Ordinal), out string? constituency)
            ? Results.Json(new { status = 200, result = new { postcode, parliamentary_constituency = "(pre-2024 name)", parliamentary_constituency_2024 = constituency } })
            : Results.Json(new { status = 404, error = "Postcode not found" }, statusCode: 404);
    }

    private IResult SearchConstituency(string searchText)
    {
        JsonObject response = (JsonObject)_recordedSearch.DeepClone();
        JsonArray items = response["items"]!.AsArray();
        if (!_mps.TryGetValue(searchText, out var mp))
        {
            items.Clear();
        }
        else if (!searchText.StartsWith("Inverness", StringComparison.Ordinal))
        {
            JsonNode value = items[0]!["value"]!;
            value["id"] = mp.Id;
            value["name"] = searchText;
            value["currentRepresentation"]!["member"]!["value"]!["id"] = mp.MemberId;
            value["currentRepresentation"]!["member"]!["value"]!["nameDisplayAs"] = mp.Mp;
        }

        return Results.Text(response.ToJsonString(), "application/json");
    }
}
