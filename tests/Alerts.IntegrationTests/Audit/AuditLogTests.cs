using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Alerts.Campaigns;

namespace Alerts.Audit;

public sealed class AuditLogTests : IAsyncLifetime
{
    private CampaignsTestApp _t = null!;

    public async Task InitializeAsync() => _t = await CampaignsTestApp.StartAsync(providers: false);

    public async Task DisposeAsync() => await _t.DisposeAsync();

    [Fact]
    public async Task StaffActionsConsentSuppressionAndCampaignChanges_AreRecorded_ByObjectAndTime_WithoutPersonalData()
    {
        JsonObject supporter = await _t.PostAsync("/api/v1/supporters", new { email = "audit.me@example.org", phone = "07400 555555", tags = new[] { "asylum" },
            emailConsent = new { status = "granted", basis = "consent", source = "website" } });
        string id = supporter["id"]!.GetValue<string>();
        await _t.Client.PutAsJsonAsync($"/api/v1/supporters/{id}/consent/email", new { status = "withdrawn", source = "phone call" });
        await _t.Client.GetAsync(new Uri($"/api/v1/supporters/{id}/export", UriKind.Relative));
        string segment = await _t.CreateSegmentAsync(new { name = "Asylum", tagsAny = new[] { "asylum" } });
        string campaign = await _t.CreateApprovedCampaignAsync(segment, ["email"]);
        await _t.Client.DeleteAsync(new Uri($"/api/v1/supporters/{id}", UriKind.Relative));

        JsonArray supporterTrail = (await _t.Client.GetFromJsonAsync<JsonArray>($"/api/v1/audit?objectType=supporter&objectId={id}"))!;
        var actions = supporterTrail.Select(e => e!["action"]!.GetValue<string>()).ToList();
        // Newest first; a staff request is recorded when it finishes, after the change it made.
        Assert.Equal(["SupporterErased", "RecordSupporterConsent", "ConsentChanged", "ConsentChanged"], actions.Where(a => a is "SupporterErased" or "ConsentChanged" or "RecordSupporterConsent"));
        Assert.Contains("Email: Granted → Withdrawn", supporterTrail.Select(e => e!["detail"]?.GetValue<string>()).OfType<string>().First(d => d.Contains("Withdrawn", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.All(supporterTrail.Where(e => e!["action"]!.GetValue<string>() == "RecordSupporterConsent"), e => Assert.StartsWith("key:", e!["actor"]!.GetValue<string>(), StringComparison.Ordinal));

        JsonArray campaignTrail = (await _t.Client.GetFromJsonAsync<JsonArray>($"/api/v1/audit?objectType=campaign&objectId={campaign}"))!;
        Assert.Contains(campaignTrail, e => e!["detail"]?.GetValue<string>() == "Draft → Approved");

        JsonArray today = (await _t.Client.GetFromJsonAsync<JsonArray>("/api/v1/audit"))!;
        Assert.Contains(today, e => e!["action"]!.GetValue<string>() == "Suppressed");
        Assert.Contains(today, e => e!["action"]!.GetValue<string>() == "ExportSupporter");

        var table = new TableClient(_t.App.StorageConnectionString, _t.App.NamePrefix + "AuditLog");
        await foreach (TableEntity row in table.QueryAsync<TableEntity>())
        {
            string text = string.Join(" ", row.Select(p => p.Value?.ToString()));
            Assert.DoesNotContain("audit.me", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("7400555555", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task StaffRequest_IsRecordedWithTheStatusItGot_AndTheIdOfWhatItCreated()
    {
        string segment = await _t.CreateSegmentAsync(new { name = "Everyone" });
        string campaign = await _t.CreateApprovedCampaignAsync(segment, ["email"]);
        HttpResponseMessage again = await _t.Client.PostAsJsonAsync($"/api/v1/campaigns/{campaign}/approve", new { });
        HttpResponseMessage invalid = await _t.Client.PostAsJsonAsync("/api/v1/segments", new { name = "" });

        Assert.Equal((System.Net.HttpStatusCode.Conflict, System.Net.HttpStatusCode.BadRequest), (again.StatusCode, invalid.StatusCode));
        JsonArray campaignTrail = (await _t.Client.GetFromJsonAsync<JsonArray>($"/api/v1/audit?objectType=campaign&objectId={campaign}"))!;
        var approvals = campaignTrail.Where(e => e!["action"]!.GetValue<string>() == "ApproveCampaign").Select(e => e!["detail"]!.GetValue<string>()).ToList();
        Assert.Equal(["409", "200"], approvals); // newest first
        Assert.Contains(campaignTrail, e => e!["action"]!.GetValue<string>() == "CreateCampaign" && e["detail"]!.GetValue<string>() == "201");
        JsonArray segmentTrail = (await _t.Client.GetFromJsonAsync<JsonArray>($"/api/v1/audit?objectType=segment&objectId={segment}"))!;
        Assert.Contains(segmentTrail, e => e!["action"]!.GetValue<string>() == "CreateSegment");
        JsonArray today = (await _t.Client.GetFromJsonAsync<JsonArray>("/api/v1/audit"))!;
        Assert.Contains(today, e => e!["action"]!.GetValue<string>() == "CreateSegment" && e["detail"]!.GetValue<string>() == "400");
    }
}
