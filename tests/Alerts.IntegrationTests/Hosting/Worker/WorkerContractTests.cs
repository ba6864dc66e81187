using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alerts.Fakes;
using Alerts.Infrastructure;
using Alerts.Triggers;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;

namespace Alerts.Hosting.Worker;

/// <summary>
/// The built app in worker mode, driven as the Functions host drives it (<see cref="StandInFunctionsHost"/>):
/// started with the host's arguments, initialised, every function in functions.metadata loaded, then timer,
/// queue and HTTP invocations against Azurite and the loopback Parliament and SendGrid fakes. This is the
/// one test of the worker side; every other test runs the app standalone.
/// </summary>
public sealed class WorkerContractTests(WorkerContractTests.Worker worker) : IClassFixture<WorkerContractTests.Worker>
{
    [Fact]
    public async Task Worker_Initialises_AndLoadsEveryFunctionOfFunctionsMetadata()
    {
        Assert.Equal(StatusResult.Types.Status.Success, worker.Init.Result.Status);
        Assert.Equal("http", worker.Host.HttpUri.Scheme); // the ASP.NET Core integration's listener

        using JsonDocument file = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(worker.Host.AppDirectory, "functions.metadata")));
        string[] inFile = [.. file.RootElement.EnumerateArray().Select(f => f.GetProperty("name").GetString()!).Order(StringComparer.Ordinal)];
        Assert.Equal(inFile, worker.Host.Functions.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.Equal(FunctionTriggers.Names.Order(StringComparer.Ordinal), inFile);
        Assert.All(worker.Loaded, load => Assert.True(load.Result.Status == StatusResult.Types.Status.Success, $"{load.FunctionId}: {load.Result.Exception?.Message}"));
        Assert.Equal(inFile.Length, worker.Loaded.Count);

        string TriggerOf(string name) => worker.Host.Functions.Single(f => f.Name == name).Bindings.Values.Single(b => b.Direction == BindingInfo.Types.Direction.In).Type;
        Assert.Equal("timerTrigger", TriggerOf("WatchBills"));
        Assert.Equal("queueTrigger", TriggerOf("DispatchBatch"));
        Assert.Equal("httpTrigger", TriggerOf("StaffApi"));
    }

    [Fact]
    public async Task TimerInvocation_OfWatchBills_PollsParliament_AndRecordsTheChange()
    {
        BillScenario bill = BillScenario.Recorded(2818);
        bill.ServeOn(worker.Parliament);
        Assert.Equal(HttpStatusCode.Created, (await worker.StaffAsync(HttpMethod.Post, "/api/v1/bills", worker.WriteKey, new { billId = 2818 })).StatusCode);
        Assert.Equal(StatusResult.Types.Status.Success, (await worker.Host.InvokeTimerAsync("WatchBills")).Result.Status); // the baseline

        bill.AddSitting(12655, 90001, new DateTime(2026, 12, 8)).ServeOn(worker.Parliament);
        InvocationResponse run = await worker.Host.InvokeTimerAsync("WatchBills");

        Assert.True(run.Result.Status == StatusResult.Types.Status.Success, run.Result.Exception?.Message);
        JsonObject events = (await (await worker.StaffAsync(HttpMethod.Get, "/api/v1/bills/2818/events", worker.ReadKey)).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("SittingScheduled", Assert.Single(events["items"]!.AsArray())!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task HttpFunctions_HandTheRequestToTheAppsEndpoints_WithTheirStatusCodesAndBodies()
    {
        HttpResponseMessage health = await worker.SendAsync(HttpMethod.Get, "/api/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("\"reachable\"", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        HttpResponseMessage read = await worker.StaffAsync(HttpMethod.Get, "/api/v1/segments", worker.ReadKey);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("application/json", read.Content.Headers.ContentType?.MediaType);

        HttpResponseMessage noScope = await worker.StaffAsync(HttpMethod.Post, "/api/v1/segments", worker.ReadKey, new { name = "All" });
        Assert.Equal(HttpStatusCode.Forbidden, noScope.StatusCode);
        HttpResponseMessage noKey = await worker.StaffAsync(HttpMethod.Get, "/api/v1/segments", key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal("ApiKey header=\"X-Api-Key\"", noKey.Headers.WwwAuthenticate.Single().ToString());

        HttpResponseMessage badJson = await worker.StaffAsync(HttpMethod.Post, "/api/v1/segments", worker.WriteKey, new { name = "All", colour = "red" });
        Assert.Equal(HttpStatusCode.BadRequest, badJson.StatusCode);
        Assert.Equal("application/problem+json", badJson.Content.Headers.ContentType?.MediaType);

        HttpResponseMessage created = await worker.StaffAsync(HttpMethod.Post, "/api/v1/segments", worker.WriteKey, new { name = "Everyone" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        string id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        HttpResponseMessage fetched = await worker.StaffAsync(HttpMethod.Get, $"/api/v1/segments/{id}", worker.ReadKey);
        Assert.Equal("Everyone", (await fetched.Content.ReadFromJsonAsync<JsonObject>())!["definition"]!["name"]!.GetValue<string>());

        HttpResponseMessage unknown = await worker.StaffAsync(HttpMethod.Get, "/api/v1/no-such-thing", worker.ReadKey);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        HttpResponseMessage forged = await worker.SendGridWebhookAsync("""[{"email":"x@example.org","event":"bounce"}]""", forge: true);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        HttpResponseMessage signed = await worker.SendGridWebhookAsync("""[{"email":"x@example.org","event":"bounce"}]""", forge: false);
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);

        HttpResponseMessage badToken = await worker.SendAsync(HttpMethod.Get, "/api/unsubscribe/not-a-token");
        Assert.Equal(HttpStatusCode.NotFound, badToken.StatusCode);
    }

    [Fact]
    public async Task QueueInvocations_SendACampaignThroughSendGrid_AndItsUnsubscribeLinkWorks_AndABadMessageFails()
    {
        using var csv = new StringContent("email,first_name,email_consent\nq1@example.org,Amira,yes\nq2@example.org,Ben,yes\n", Encoding.UTF8, "text/csv");
        Assert.Equal(HttpStatusCode.OK, (await worker.StaffAsync(HttpMethod.Post, "/api/v1/supporters/import", worker.WriteKey, csv)).StatusCode);
        string segment = await IdOfAsync(await worker.StaffAsync(HttpMethod.Post, "/api/v1/segments", worker.WriteKey, new { name = "Queue test" }));
        string campaign = await IdOfAsync(await worker.StaffAsync(HttpMethod.Post, "/api/v1/campaigns", worker.WriteKey, Campaigns.CampaignsTestApp.Campaign(segment, ["email"])));
        Assert.Equal(HttpStatusCode.OK, (await worker.StaffAsync(HttpMethod.Post, $"/api/v1/campaigns/{campaign}/approve", worker.SendKey, new { approvedBy = "contract test" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await worker.StaffAsync(HttpMethod.Post, $"/api/v1/campaigns/{campaign}/send", worker.SendKey, new { })).StatusCode);

        // The host's queue extension: each message on "dispatch" becomes one invocation; success deletes it.
        await worker.PumpDispatchQueueAsync();

        Assert.Equal(["q1@example.org", "q2@example.org"], worker.SendGrid.Delivered.Select(d => d.Email).Where(e => e.StartsWith('q')).Order(StringComparer.Ordinal));
        JsonObject report = (await (await worker.StaffAsync(HttpMethod.Get, $"/api/v1/campaigns/{campaign}/report", worker.ReadKey)).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("completed", report["state"]!.GetValue<string>());
        Assert.Equal(2, report["channels"]!["email"]!["byStatus"]!["sent"]!.GetValue<int>());

        // The message's own one-click unsubscribe, through the Unsubscribe function.
        JsonObject personalization = worker.SendGrid.Delivered.Single(d => d.Email == "q1@example.org").Personalization;
        string link = personalization["headers"]!["List-Unsubscribe"]!.GetValue<string>().Trim('<', '>');
        string path = new Uri(link).PathAndQuery;
        HttpResponseMessage page = await worker.SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Unsubscribe", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        HttpResponseMessage oneClick = await worker.SendAsync(HttpMethod.Post, path, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);

        // A message the dispatcher cannot read fails its invocation, so the host retries and then poisons it.
        InvocationResponse failed = await worker.Host.InvokeQueueAsync("DispatchBatch", "this is not a dispatch batch", 1, Guid.NewGuid().ToString());
        Assert.Equal(StatusResult.Types.Status.Failure, failed.Result.Status);
        Assert.NotNull(failed.Result.Exception);
    }

    private static async Task<string> IdOfAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
    }

    /// <summary>One worker process for the class, on unprefixed storage as under the host (no other test uses it unprefixed).</summary>
    public sealed class Worker : IAsyncLifetime
    {
        private readonly ECDsa _sendGridKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        private readonly List<FunctionLoadResponse> _loaded = [];
        private string _storage = null!;

        internal StandInFunctionsHost Host { get; private set; } = null!;

        internal WorkerInitResponse Init { get; private set; } = null!;

        internal IReadOnlyList<FunctionLoadResponse> Loaded => _loaded;

        public FakeBillsApi Parliament { get; private set; } = null!;

        public FakeSendGrid SendGrid { get; private set; } = null!;

        public string ReadKey { get; private set; } = null!;

        public string WriteKey { get; private set; } = null!;

        public string SendKey { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _storage = (await AzuriteServer.GetAsync()).ConnectionString;
            Parliament = await FakeBillsApi.StartAsync();
            SendGrid = await FakeSendGrid.StartAsync();
            string appDirectory = AppContext.BaseDirectory.Replace("Alerts.IntegrationTests", "Alerts.Functions", StringComparison.Ordinal);
            Dictionary<string, string> settings = Settings();

            // Staff keys, made as an operator would: the app's own command, on the same storage.
            ReadKey = await CreateKeyAsync(appDirectory, settings, "read");
            WriteKey = await CreateKeyAsync(appDirectory, settings, "read,write");
            SendKey = await CreateKeyAsync(appDirectory, settings, "read,write,send");

            Host = await StandInFunctionsHost.StartAsync(appDirectory);
            await Host.StartWorkerAsync(settings);
            Init = await Host.InitAsync();
            FunctionMetadataResponse metadata = await Host.MetadataAsync();
            Assert.True(metadata.Result.Status == StatusResult.Types.Status.Success, metadata.Result.Exception?.Message + "\n" + Host.Output);
            foreach (RpcFunctionMetadata function in Host.Functions)
            {
                _loaded.Add(await Host.LoadAsync(function));
            }
        }

        public async Task DisposeAsync()
        {
            await Host.DisposeAsync();
            await Parliament.DisposeAsync();
            await SendGrid.DisposeAsync();
            _sendGridKey.Dispose();
        }

        public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null) =>
            SendAsync(new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content });

        public Task<HttpResponseMessage> StaffAsync(HttpMethod method, string path, string? key, object? body = null)
        {
            var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative))
            {
                Content = body switch { null => null, HttpContent content => content, _ => JsonContent.Create(body) },
            };
            if (key is not null)
            {
                request.Headers.Add("X-Api-Key", key);
            }

            return SendAsync(request);
        }

        public Task<HttpResponseMessage> SendGridWebhookAsync(string json, bool forge)
        {
            byte[] body = Encoding.UTF8.GetBytes(json);
            string timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            byte[] signature = _sendGridKey.SignData([.. Encoding.UTF8.GetBytes(timestamp), .. body], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/hooks/sendgrid", UriKind.Relative))
            {
                Content = new ByteArrayContent(forge ? Encoding.UTF8.GetBytes(json.Replace("bounce", "delivered", StringComparison.Ordinal)) : body),
            };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            request.Headers.Add("X-Twilio-Email-Event-Webhook-Signature", Convert.ToBase64String(signature));
            request.Headers.Add("X-Twilio-Email-Event-Webhook-Timestamp", timestamp);
            return SendAsync(request);
        }

        /// <summary>Reads the dispatch queue as the host's queue extension would, until it stays empty.</summary>
        public async Task PumpDispatchQueueAsync()
        {
            var queue = new QueueClient(_storage, "dispatch", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
            var idle = Stopwatch.StartNew();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (idle.Elapsed < TimeSpan.FromSeconds(2))
            {
                QueueMessage[] messages = (await queue.ReceiveMessagesAsync(16, TimeSpan.FromSeconds(30), timeout.Token)).Value;
                if (messages.Length == 0)
                {
                    await Task.Delay(100, timeout.Token);
                    continue;
                }

                foreach (QueueMessage message in messages)
                {
                    InvocationResponse run = await Host.InvokeQueueAsync("DispatchBatch", message.MessageText, message.DequeueCount, message.MessageId);
                    Assert.True(run.Result.Status == StatusResult.Types.Status.Success, run.Result.Exception?.Message);
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, timeout.Token);
                }

                idle.Restart();
            }
        }

        private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
        {
            (HttpResponseMessage response, InvocationResponse invocation) = await Host.SendAsync(request);
            // The invocation succeeds whatever the status: a 4xx is the app's answer, not a failed function.
            Assert.True(invocation.Result.Status == StatusResult.Types.Status.Success,
                $"{request.Method} {request.RequestUri}: {invocation.Result.Exception?.Message}\n{invocation.Result.Exception?.StackTrace}\n{Host.Output}");
            return response;
        }

        private Dictionary<string, string> Settings() => new(StringComparer.Ordinal)
        {
            ["AzureWebJobsStorage"] = _storage,
            ["Supporters__HashKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Alerting__CharityName"] = "Refugee Rights Test",
            ["Alerting__PublicBaseUrl"] = "https://alerts.example.org/",
            ["Alerting__FromEmail"] = "alerts@example.org",
            ["Alerting__UnsubscribeSigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Parliament__BillsBaseAddress"] = Parliament.BaseAddress.ToString(),
            // postcodes.io and the Members API unreachable: a normal day, and nothing here needs them.
            ["Supporters__PostcodesBaseAddress"] = "http://127.0.0.1:9/",
            ["Supporters__MembersBaseAddress"] = "http://127.0.0.1:9/api/",
            ["SendGrid__ApiKey"] = FakeSendGrid.ApiKey,
            ["SendGrid__Host"] = SendGrid.Host.ToString(),
            ["Webhooks__SendGridPublicKey"] = Convert.ToBase64String(_sendGridKey.ExportSubjectPublicKeyInfo()),
        };

        private static async Task<string> CreateKeyAsync(string appDirectory, Dictionary<string, string> settings, string scopes)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = appDirectory };
            foreach (string arg in new[] { Path.Combine(appDirectory, "Alerts.Functions.dll"), "create-api-key", "--name", "contract-" + scopes, "--scopes", scopes })
            {
                start.ArgumentList.Add(arg);
            }

            foreach ((string name, string value) in settings)
            {
                start.Environment[name] = value;
            }

            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            using Process command = Process.Start(start)!;
            string output = await command.StandardOutput.ReadToEndAsync();
            string errors = await command.StandardError.ReadToEndAsync();
            await command.WaitForExitAsync();
            Assert.True(command.ExitCode == 0, output + errors);
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        }
    }
}
