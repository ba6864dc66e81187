using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Alerts.Campaigns;

namespace Alerts.Api;

/// <summary>Malformed staff requests get a clear 4xx naming what is wrong, never a 500, and change nothing.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private CampaignsTestApp _t = null!;
    private string _segment = null!;

    public async Task InitializeAsync()
    {
        _t = await CampaignsTestApp.StartAsync(providers: false);
        _segment = await _t.CreateSegmentAsync(new { name = "All" });
    }

    public async Task DisposeAsync() => await _t.DisposeAsync();

    public static TheoryData<string> BadIds() =>
    [
        "a%23b", "a%3Fb", "a%5Cb", "a%0D%0Ab", new string('x', 1100), "a.b",
    ];

    [Theory]
    [MemberData(nameof(BadIds))]
    public async Task MalformedIdInAnyRoute_Is400NamingTheParameter(string id)
    {
        (HttpMethod Method, string Path, object? Body)[] requests =
        [
            (HttpMethod.Get, $"/api/v1/supporters/{id}", null),
            (HttpMethod.Patch, $"/api/v1/supporters/{id}", new { firstName = "x" }),
            (HttpMethod.Delete, $"/api/v1/supporters/{id}", null),
            (HttpMethod.Get, $"/api/v1/segments/{id}", null),
            (HttpMethod.Put, $"/api/v1/segments/{id}", new { name = "x" }),
            (HttpMethod.Delete, $"/api/v1/segments/{id}", null),
            (HttpMethod.Get, $"/api/v1/campaigns/{id}", null),
            (HttpMethod.Get, $"/api/v1/campaigns/{id}/report", null),
            (HttpMethod.Get, $"/api/v1/campaigns/{id}/recipients/{id}", null),
            (HttpMethod.Post, $"/api/v1/campaigns/{id}/resend-unknown", new { }),
            (HttpMethod.Delete, $"/api/v1/alert-rules/{id}", null),
        ];

        foreach ((HttpMethod method, string path, object? body) in requests)
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = body is null ? null : JsonContent.Create(body) };
            HttpResponseMessage response = await _t.Client.SendAsync(request);
            string text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path[..Math.Min(60, path.Length)]}: {(int)response.StatusCode} {text}");
            Assert.Contains("\"errors\"", text, StringComparison.Ordinal);
        }
    }

    public static TheoryData<string, string, string> BadBodies() => new()
    {
        { "/api/v1/segments", """{"name":"x","tagsAny":null}""", "tagsAny" },
        { "/api/v1/segments", """{"name":"x","channels":null}""", "channels" },
        { "/api/v1/alert-rules", """{"name":"x","eventKinds":null,"campaign":{}}""", "eventKinds" },
        { "/api/v1/alert-rules", """{"name":"x","campaign":null}""", "campaign" },
        { "/api/v1/alert-rules", """{"name":"x","campaign":{"channels":null}}""", "campaign.channels" },
        { "/api/v1/segments", """{"name":"x","nickname":"y"}""", "nickname" },
        { "/api/v1/segments", """{"name":"x","tagsAny":"asylum"}""", "tagsAny" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task UnreadableBody_Is400NamingTheField_AndNoInternalTypeName(string path, string json, string field)
    {
        HttpResponseMessage response = await _t.Client.PostAsync(new Uri(path, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));

        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {text}");
        Assert.True(JsonNode.Parse(text)!["errors"]!.AsObject().ContainsKey(field), text);
        Assert.DoesNotContain("Alerts.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TooLongText_Is400_NotAStorageError()
    {
        string huge = new('x', 70_000);
        object campaign = CampaignsTestApp.Campaign(_segment, ["email"]);
        JsonObject withLongLink = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(campaign))!.AsObject();
        withLongLink["actionLink"] = "https://example.org/" + huge;
        JsonObject withLongSubject = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(campaign))!.AsObject();
        withLongSubject["email"]!["subject"] = huge;

        foreach ((string path, JsonNode body, string field) in new (string, JsonNode, string)[]
                 {
                     ("/api/v1/campaigns", withLongLink, "actionLink"),
                     ("/api/v1/campaigns", withLongSubject, "email.subject"),
                     ("/api/v1/alert-rules", new JsonObject { ["name"] = "r", ["stageContains"] = huge, ["campaign"] = withLongLink.DeepClone() }, "stageContains"),
                 })
        {
            HttpResponseMessage response = await _t.Client.PostAsJsonAsync(path, body);
            string text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path} {field}: {(int)response.StatusCode} {text[..Math.Min(300, text.Length)]}");
            Assert.True(JsonNode.Parse(text)!["errors"]!.AsObject().ContainsKey(field), text[..Math.Min(300, text.Length)]);
        }
    }

    [Fact]
    public async Task EmptyCharset_IsA4xxProblem()
    {
        var content = new StringContent("{\"email\":\"a@example.org\"}");
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=");

        HttpResponseMessage response = await _t.Client.PostAsync(new Uri("/api/v1/supporters", UriKind.Relative), content);

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task OversizeBody_Is413_AndNothingIsRead()
    {
        string big = "{\"name\":\"" + new string('x', 5 * 1024 * 1024) + "\"}";

        HttpResponseMessage response = await _t.Client.PostAsync(new Uri("/api/v1/segments", UriKind.Relative), new StringContent(big, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
