using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alerts.Fakes;

namespace Alerts.Campaigns;

/// <summary>Campaigns without provider credentials: everything lands in the local outbox.</summary>
public sealed class CampaignFlowTests : IAsyncLifetime
{
    private CampaignsTestApp _t = null!;

    public async Task InitializeAsync() => _t = await CampaignsTestApp.StartAsync(providers: false);

    public async Task DisposeAsync() => await _t.DisposeAsync();

    private async Task SeedAsync()
    {
        await _t.ImportAsync(
        [
            "a@example.org,07400 100001,Amira,asylum,yes,yes",       // email + sms
            "b@example.org,07400 100002,Ben,asylum,yes,no",          // email only
            "c@example.org,07400 100003,Chloe,asylum,no,yes",        // sms only
            "d@example.org,07400 100004,Dev,asylum,no,no",           // no consent
            "e@example.org,07400 100005,Esi,hate-speech,yes,yes",    // other segment
            "f@example.org,07400 100006,Femi,asylum,yes,yes",        // suppressed below
        ]);
        JsonObject femi = await _t.PostAsync("/api/v1/supporters/find", new { email = "f@example.org" });
        Assert.Equal(HttpStatusCode.NoContent, (await _t.Client.DeleteAsync(new Uri($"/api/v1/supporters/{femi["id"]}", UriKind.Relative))).StatusCode);
        await _t.ImportAsync(["f@example.org,07400 100006,Femi,asylum,yes,yes"]); // re-imported from an old list after erasure
    }

    [Fact]
    public async Task SendNow_DeliversToTheOutbox_ExactlyTheConsentingUnsuppressedMembers()
    {
        await SeedAsync();
        string segment = await _t.CreateSegmentAsync(new { name = "Asylum", tagsAny = new[] { "asylum" }, channels = new[] { "email", "sms" } });
        string campaign = await _t.CreateApprovedCampaignAsync(segment, ["email", "sms"]);

        await _t.PostAsync($"/api/v1/campaigns/{campaign}/send", new { });
        Assert.Equal(0, await _t.PumpAsync());

        JsonArray outbox = (await _t.Client.GetFromJsonAsync<JsonArray>($"/api/v1/campaigns/{campaign}/outbox"))!;
        var sent = outbox.Select(m => (m!["channel"]!.GetValue<string>(), m["to"]!.GetValue<string>())).Order().ToList();
        Assert.Equal(
        [
            ("Email", "a@example.org"), ("Email", "b@example.org"),
            ("Sms", "+447400100001"), ("Sms", "+447400100003"),
        ], sent);
        JsonNode sms = outbox.First(m => m!["to"]!.GetValue<string>() == "+447400100001")!;
        Assert.Equal("Refugee Rights Test: Amira, Nationality and Borders Bill is at Report stage on Tuesday 7 December. Act: https://example.org/act Reply STOP to opt out.",
            sms["body"]!.GetValue<string>());
        JsonNode email = outbox.First(m => m!["to"]!.GetValue<string>() == "a@example.org")!;
        Assert.Equal("Amira, Nationality and Borders Bill is at Report stage", email["subject"]!.GetValue<string>());
        Assert.Contains("https://alerts.example.org/api/unsubscribe/", email["body"]!.GetValue<string>(), StringComparison.Ordinal);
        // What was sent, whole: the HTML body (values encoded) and the one-click unsubscribe headers.
        Assert.Contains("<p>Dear Amira, ask", email["html"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("<https://alerts.example.org/api/unsubscribe/", email["headers"]!["List-Unsubscribe"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("List-Unsubscribe=One-Click", email["headers"]!["List-Unsubscribe-Post"]!.GetValue<string>());
        Assert.All(outbox, m => Assert.False(m!["test"]!.GetValue<bool>()));

        JsonObject report = await _t.ReportAsync(campaign);
        Assert.Equal("completed", report["state"]!.GetValue<string>());
        Assert.Equal(2, report["channels"]!["email"]!["byStatus"]!["sent"]!.GetValue<int>());
        Assert.Equal(2, report["channels"]!["sms"]!["byStatus"]!["sent"]!.GetValue<int>());
    }

    [Fact]
    public async Task StateMachine_RefusesOutOfOrderSteps()
    {
        await SeedAsync();
        string segment = await _t.CreateSegmentAsync(new { name = "Asylum", tagsAny = new[] { "asylum" } });
        string draft = (await _t.PostAsync("/api/v1/campaigns", CampaignsTestApp.Campaign(segment, ["email"])))["id"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.Conflict, (await _t.Client.PostAsJsonAsync($"/api/v1/campaigns/{draft}/send", new { })).StatusCode);
        await _t.PostAsync($"/api/v1/campaigns/{draft}/approve", new { });
        Assert.Equal(HttpStatusCode.Conflict, (await _t.Client.PutAsJsonAsync($"/api/v1/campaigns/{draft}", CampaignsTestApp.Campaign(segment, ["sms"]))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _t.Client.PostAsJsonAsync($"/api/v1/campaigns/{draft}/approve", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _t.Client.PostAsJsonAsync("/api/v1/campaigns/nosuchcampaign/approve", new { })).StatusCode);
    }

    [Theory]
    [InlineData("sms", "{{first_name}} {{shoe_size}}", "sms")]
    [InlineData("email", null, "email")]
    public async Task Create_InvalidContent_IsAValidationProblem(string channel, string? sms, string field)
    {
        string segment = await _t.CreateSegmentAsync(new { name = "Asylum", tagsAny = new[] { "asylum" } });
        var body = new { name = "x", segmentId = segment, channels = new[] { channel }, sms, email = new { subject = "s", html = "no link", text = "no link" } };

        HttpResponseMessage response = await _t.Client.PostAsJsonAsync("/api/v1/campaigns", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().ContainsKey(field));
    }

    [Fact]
    public async Task Preview_ShowsTheRenderedMessagesSmsEncodingAndRecipientCounts()
    {
        await SeedAsync();
        string segment = await _t.CreateSegmentAsync(new { name = "Asylum", tagsAny = new[] { "asylum" } });
        string campaign = (await _t.PostAsync("/api/v1/campaigns", CampaignsTestApp.Campaign(segment, ["email", "sms"])))["id"]!.GetValue<string>();

        JsonObject preview = await _t.PostAsync($"/api/v1/campaigns/{campaign}/preview", new { });

        Assert.Equal(2, preview["email"]!["recipients"]!.GetValue<int>()); // Femi is suppressed, Chloe and Dev did not consent
        Assert.Equal(2, preview["sms"]!["recipients"]!.GetValue<int>());
        Assert.Equal("gsm7", preview["sms"]!["sms"]!["encoding"]!.GetValue<string>());
        Assert.Equal(1, preview["sms"]!["sms"]!["segments"]!.GetValue<int>());
        Assert.Contains("Jane Smith", preview["email"]!["body"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestSend_GoesToTheGivenAddressesOnly()
    {
        await SeedAsync();
        string segment = await _t.CreateSegmentAsync(new { name = "Asylum", tagsAny = new[] { "asylum" } });
        string campaign = (await _t.PostAsync("/api/v1/campaigns", CampaignsTestApp.Campaign(segment, ["email", "sms"])))["id"]!.GetValue<string>();

        HttpResponseMessage response = await _t.Client.PostAsJsonAsync($"/api/v1/campaigns/{campaign}/test-send", new { emails = new[] { "staff@example.org" }, phones = new[] { "07400 999999" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Test sends are in the campaign's own outbox, marked as tests; no supporter got anything.
        JsonArray outbox = (await _t.Client.GetFromJsonAsync<JsonArray>($"/api/v1/campaigns/{campaign}/outbox"))!;
        Assert.Equal(["+447400999999", "staff@example.org"], outbox.Select(m => m!["to"]!.GetValue<string>()).Order());
        Assert.All(outbox, m => Assert.True(m!["test"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Cancel_AfterPlanning_StopsBatchesNotYetSent()
    {
        await SeedAsync();
        string segment = await _t.CreateSegmentAsync(new { name = "Asylum", tagsAny = new[] { "asylum" } });
        string campaign = await _t.CreateApprovedCampaignAsync(segment, ["email"]);
        await _t.PostAsync($"/api/v1/campaigns/{campaign}/send", new { });

        // Plan only: take the plan message and run it.
        var plan = (await _t.Queue.ReceiveMessageAsync()).Value;
        Assert.True(await _t.InvokeAsync(plan.MessageText, 1));
        await _t.Queue.DeleteMessageAsync(plan.MessageId, plan.PopReceipt);
        await _t.PostAsync($"/api/v1/campaigns/{campaign}/cancel", new { });
        await _t.PumpAsync();

        Assert.Empty((await _t.Client.GetFromJsonAsync<JsonArray>($"/api/v1/campaigns/{campaign}/outbox"))!);
        Assert.Equal("cancelled", (await _t.ReportAsync(campaign))["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task WatchedBillStageChange_MakesOneDraftByRule_ThatApprovedAndSentReachesTheOutbox()
    {
        await SeedAsync();
        await using FakeBillsApi parliament = await FakeBillsApi.StartAsync();
        await using CampaignsTestApp t = await CampaignsTestApp.StartAsync(false, app => app.WithSetting("Parliament:BillsBaseAddress", parliament.BaseAddress.ToString()));
        await t.ImportAsync(["a@example.org,07400 100001,Amira,asylum,yes,yes", "d@example.org,07400 100004,Dev,asylum,no,no"]);
        string segment = await t.CreateSegmentAsync(new { name = "Asylum", tagsAny = new[] { "asylum" } });
        await t.PostAsync("/api/v1/alert-rules", new
        {
            name = "Report stage", billId = 2818, eventKinds = new[] { "StageReached" }, stageContains = "report",
            campaign = CampaignsTestApp.Campaign(segment, ["email", "sms"]),
        });
        BillScenario bill = BillScenario.Recorded();
        bill.ServeOn(parliament);
        await t.PostAsync("/api/v1/bills", new { billId = 2818 });

        // Committee stage does not match the rule; report stage does.
        bill.AddStage(90010, 8, "Committee stage", "CS", "Commons").SetCurrent(90010).ServeOn(parliament);
        Assert.True((await t.App.InvokeAsync("WatchBills")).Succeeded);
        bill.AddStage(90020, 9, "Report stage", "RS", "Commons").AddSitting(90020, 90021, new DateTime(2026, 12, 8)).SetCurrent(90020).ServeOn(parliament);
        Assert.True((await t.App.InvokeAsync("WatchBills")).Succeeded);
        Assert.True((await t.App.InvokeAsync("WatchBills")).Succeeded);

        JsonArray campaigns = (await t.Client.GetFromJsonAsync<JsonArray>("/api/v1/campaigns"))!;
        JsonNode draft = Assert.Single(campaigns)!;
        Assert.Equal("draft", draft["state"]!.GetValue<string>());
        Assert.Equal("Report stage", draft["content"]!["bill"]!["stage"]!.GetValue<string>());
        Assert.Equal("2026-12-08", draft["content"]!["bill"]!["sittingDate"]!.GetValue<string>());
        string id = draft["id"]!.GetValue<string>();

        await t.PostAsync($"/api/v1/campaigns/{id}/approve", new { });
        await t.PostAsync($"/api/v1/campaigns/{id}/send", new { });
        await t.PumpAsync();

        JsonArray outbox = (await t.Client.GetFromJsonAsync<JsonArray>($"/api/v1/campaigns/{id}/outbox"))!;
        Assert.Equal(["+447400100001", "a@example.org"], outbox.Select(m => m!["to"]!.GetValue<string>()).Order());
        Assert.Contains("Tuesday 8 December", outbox.Single(m => m!["channel"]!.GetValue<string>() == "Sms")!["body"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
