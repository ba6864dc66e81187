using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Alerts.Fakes;

/// <summary>
/// A loopback Bills API: the real v1 paths, paging envelope and field names, serving bills whose JSON is
/// built from the recorded fixtures in tests/fixtures/parliament. Tests change a bill between polls and
/// can make any path fail (status, delay or truncated JSON).
/// </summary>
public sealed class FakeBillsApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<int, (JsonObject Bill, JsonArray Stages)> _bills = new();
    private readonly ConcurrentDictionary<string, Fault> _faults = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<string> _requests = new();

    private FakeBillsApi(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyCollection<string> Requests => _requests;

    public static async Task<FakeBillsApi> StartAsync()
    {
        WebApplication app = LoopbackServer.Create();
        var fake = new FakeBillsApi(app);
        app.Use(fake.FaultsAsync);
        app.MapGet("/api/v1/Bills", fake.ListBills);
        app.MapGet("/api/v1/Bills/{billId:int}", fake.GetBill);
        app.MapGet("/api/v1/Bills/{billId:int}/Stages", fake.GetStages);
        app.MapGet("/api/v1/Stages", () => Results.Text(File.ReadAllText(Fixture("snommoc_stages_reference_page1.json")), "application/json"));
        await app.StartAsync();
        string address = LoopbackServer.Address(app);
        fake.BaseAddress = new Uri(address + "/api/v1/");
        return fake;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    public static string Fixture(string name) => RepoPaths.Fixture("parliament", name);

    /// <summary>Serves a bill (the BillSummary/Bill shape) and its complete /Stages list.</summary>
    public void SetBill(JsonObject bill, JsonArray stages) =>
        _bills[bill["billId"]!.GetValue<int>()] = ((JsonObject)bill.DeepClone(), (JsonArray)stages.DeepClone());

    public void RemoveBill(int billId) => _bills.TryRemove(billId, out _);

    public void FailPath(string pathPrefix, Fault fault) => _faults[pathPrefix] = fault;

    public void ClearFaults() => _faults.Clear();

    public int CountRequests(string pathPrefix) => _requests.Count(r => r.StartsWith(pathPrefix, StringComparison.OrdinalIgnoreCase));

    private async Task FaultsAsync(HttpContext context, RequestDelegate next)
    {
        string path = context.Request.Path.Value!["/api/v1/".Length..] + context.Request.QueryString;
        _requests.Enqueue(path);
        Fault? fault = _faults.Where(f => path.StartsWith(f.Key, StringComparison.OrdinalIgnoreCase)).Select(f => f.Value).FirstOrDefault();
        switch (fault)
        {
            case null:
                await next(context);
                return;
            case { Delay: { } delay }:
                await Task.Delay(delay, context.RequestAborted);
                await next(context);
                return;
            case { TruncateJson: true }:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"items\": [ {\"billId\": 12, \"shortTitle\": \"Trunc", context.RequestAborted);
                return;
            default:
                context.Response.StatusCode = fault.Status;
                return;
        }
    }

    private IResult ListBills(HttpRequest request)
    {
        int skip = int.Parse(request.Query["Skip"].FirstOrDefault() ?? "0", CultureInfo.InvariantCulture);
        int take = int.Parse(request.Query["Take"].FirstOrDefault() ?? "20", CultureInfo.InvariantCulture);
        string? term = request.Query["SearchTerm"].FirstOrDefault();
        var all = _bills.Values.Select(b => b.Bill)
            .Where(b => term is null || b["shortTitle"]!.GetValue<string>().Contains(term, StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(b => b["lastUpdate"]!.GetValue<string>(), StringComparer.Ordinal)
            .ToList();
        var items = new JsonArray(all.Skip(skip).Take(take).Select(b => (JsonNode)Summary(b)).ToArray());
        return Json(new JsonObject { ["items"] = items, ["totalResults"] = all.Count, ["itemsPerPage"] = take });
    }

    private IResult GetBill(int billId) =>
        _bills.TryGetValue(billId, out var bill)
            ? Json(bill.Bill.DeepClone())
            : Results.Json(new { type = "https://tools.ietf.org/html/rfc7231#section-6.5.4", title = "Not Found", status = 404 }, statusCode: 404);

    private IResult GetStages(int billId, HttpRequest request)
    {
        if (!_bills.TryGetValue(billId, out var bill))
        {
            return Results.NotFound();
        }

        int skip = int.Parse(request.Query["Skip"].FirstOrDefault() ?? "0", CultureInfo.InvariantCulture);
        int take = int.Parse(request.Query["Take"].FirstOrDefault() ?? "20", CultureInfo.InvariantCulture);
        var items = new JsonArray(bill.Stages.Skip(skip).Take(take).Select(s => s!.DeepClone()).ToArray());
        return Json(new JsonObject { ["items"] = items, ["totalResults"] = bill.Stages.Count, ["itemsPerPage"] = take });
    }

    /// <summary>The list endpoint returns the summary fields only, as the real API does.</summary>
    private static JsonObject Summary(JsonObject bill)
    {
        string[] fields = ["billId", "shortTitle", "formerShortTitle", "currentHouse", "originatingHouse", "lastUpdate",
            "billWithdrawn", "isDefeated", "billTypeId", "introducedSessionId", "includedSessionIds", "isAct", "currentStage"];
        var summary = new JsonObject();
        foreach (string field in fields)
        {
            summary[field] = bill[field]?.DeepClone();
        }

        return summary;
    }

    private static IResult Json(JsonNode node) => Results.Text(node.ToJsonString(), "application/json");
}

/// <summary>How a faked path fails: a status code, a delay before answering, or a body cut off mid-JSON.</summary>
public sealed record Fault(int Status = 500, TimeSpan? Delay = null, bool TruncateJson = false);
