using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alerts.Infrastructure;

namespace Alerts.Hosting;

/// <summary>
/// Invocations posted exactly as the Functions host posts them, against real Azurite. The app maps its
/// invocation endpoints only when the host has given it its port, so these tests give one.
/// </summary>
public sealed class CustomHandlerProtocolTests : IAsyncLifetime
{
    private AlertsAppFactory _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = (await AlertsAppFactory.CreateAsync()).WithSetting(CustomHandlerHosting.PortVariable, "7071");
        _client = _app.CreateClient();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task GetRoot_AnswersQuickly_SoTheHostSeesTheHandlerReady()
    {
        var watch = Stopwatch.StartNew();
        HttpResponseMessage response = await _client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData("timer-request.monitor-on.json")]
    [InlineData("timer-request.monitor-off.json")]
    public async Task PostWatchBills_WithHostTimerPayload_ReachesTheWatcherAndAnswersAnEnvelope(string sample)
    {
        HttpResponseMessage response = await PostAsync("/WatchBills", await ReadSampleAsync(sample));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        JsonObject envelope = await ReadEnvelopeAsync(response);
        Assert.Empty(envelope["Outputs"]!.AsObject());
        Assert.Null(envelope["ReturnValue"]);
        Assert.StartsWith("Checked 0 bills", envelope["Logs"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostDispatchBatch_DoubleEncodedQueuePayload_ReachesTheDispatcher()
    {
        // The host's double-encoded queue sample, with the binding renamed to ours ("batch") and a dispatch message.
        JsonObject payload = JsonNode.Parse(await ReadSampleAsync("queue-request.json"))!.AsObject();
        payload["Data"] = new JsonObject
        {
            ["batch"] = JsonSerializer.Serialize(JsonSerializer.Serialize(new { campaignId = "c1", kind = "send", batchNo = 7, channel = "email" })),
        };

        HttpResponseMessage response = await PostAsync("/DispatchBatch", payload.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonObject envelope = await ReadEnvelopeAsync(response);
        Assert.Contains("Campaign c1 batch 7 Email (attempt 1)", envelope["Logs"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostDispatchBatch_SingleEncodedQueuePayload_ReachesTheDispatcher()
    {
        string payload = JsonSerializer.Serialize(new
        {
            Data = new { batch = JsonSerializer.Serialize(new { campaignId = "c2", kind = "plan" }) },
            Metadata = new { DequeueCount = 2, Id = "abc" },
        });

        HttpResponseMessage response = await PostAsync("/DispatchBatch", payload);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Campaign c2: planned 0 batches", (await ReadEnvelopeAsync(response))["Logs"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"campaignId\":\"c-1\"}")]
    [InlineData("not json at all")]
    public async Task PostDispatchBatch_BadMessage_FailsTheInvocationWithAnEnvelope(string message)
    {
        string payload = JsonSerializer.Serialize(new { Data = new { batch = message }, Metadata = new { DequeueCount = "1" } });

        HttpResponseMessage response = await PostAsync("/DispatchBatch", payload);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("DispatchBatch failed", (await ReadEnvelopeAsync(response))["Logs"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostInvocation_MalformedEnvelope_IsNotSuccessful()
    {
        HttpResponseMessage response = await PostAsync("/WatchBills", "{\"Data\": ");

        Assert.False(response.IsSuccessStatusCode);
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = content };
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        request.Headers.UserAgent.ParseAdd("Azure-Functions-Host/4.1037.0");
        return await _client.SendAsync(request);
    }

    private static Task<string> ReadSampleAsync(string name) =>
        File.ReadAllTextAsync(RepoPaths.Fixture("custom-handler-payloads", name));

    private static async Task<JsonObject> ReadEnvelopeAsync(HttpResponseMessage response)
    {
        JsonObject envelope = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(["Outputs", "Logs", "ReturnValue"], envelope.Select(p => p.Key));
        return envelope;
    }
}
