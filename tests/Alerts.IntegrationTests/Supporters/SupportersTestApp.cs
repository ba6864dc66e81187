using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alerts.Fakes;
using Alerts.Infrastructure;

namespace Alerts.Supporters;

/// <summary>The app with loopback postcodes.io and Members API fakes.</summary>
public sealed class SupportersTestApp : IAsyncDisposable
{
    private SupportersTestApp(AlertsAppFactory app, FakeLookupApis lookups)
    {
        App = app;
        Lookups = lookups;
        Client = app.CreateClient();
        Client.Timeout = TimeSpan.FromMinutes(10); // a 10,000-row import on a busy 2-core machine
    }

    public AlertsAppFactory App { get; }

    public FakeLookupApis Lookups { get; }

    public HttpClient Client { get; }

    public static async Task<SupportersTestApp> StartAsync(Func<AlertsAppFactory, AlertsAppFactory>? configure = null)
    {
        FakeLookupApis lookups = await FakeLookupApis.StartAsync();
        AlertsAppFactory app = (await AlertsAppFactory.CreateAsync())
            .WithSetting("Supporters:PostcodesBaseAddress", lookups.PostcodesBaseAddress.ToString())
            .WithSetting("Supporters:MembersBaseAddress", lookups.MembersBaseAddress.ToString());
        return new SupportersTestApp(configure?.Invoke(app) ?? app, lookups);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Lookups.DisposeAsync();
    }

    public async Task<JsonObject> CreateAsync(object supporter)
    {
        HttpResponseMessage response = await Client.PostAsJsonAsync("/api/v1/supporters", supporter);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    public async Task<JsonObject> CountAsync(object segment)
    {
        HttpResponseMessage response = await Client.PostAsJsonAsync("/api/v1/segments/preview", segment);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Imports a CSV file and returns the report (asserting a 200).</summary>
    public async Task<JsonObject> ImportCsvAsync(string csv)
    {
        HttpResponseMessage response = await Client.PostAsync(new Uri("/api/v1/supporters/import", UriKind.Relative), new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    public static object Consent(bool granted) => new { status = granted ? "granted" : "withdrawn", basis = "consent", source = "website form" };
}
