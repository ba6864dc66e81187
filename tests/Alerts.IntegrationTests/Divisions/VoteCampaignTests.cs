using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Alerts.Divisions;

/// <summary>A follow-up campaign on the recorded Commons division 1873, each supporter told how their own MP voted.</summary>
public sealed class VoteCampaignTests : IAsyncLifetime
{
    private DivisionsTestApp _t = null!;

    public async Task InitializeAsync() => _t = await DivisionsTestApp.StartAsync();

    public async Task DisposeAsync() => await _t.DisposeAsync();

    [Fact]
    public async Task EachSupporterIsToldHowTheirOwnMpVoted_Once_WithTheOfficialResult()
    {
        // MPs as division 1873 records them (Members API ids): an aye, a no, one with no vote recorded, and one not in the roll.
        await _t.AddSupporterAsync("Amira", "amira@example.org", "07400 100001", 4030, "Karl Turner");        // Ayes
        await _t.AddSupporterAsync("Ben", "ben@example.org", "07400 100002", 350, "Sir John Hayes");         // Noes
        await _t.AddSupporterAsync("Chloe", "chloe@example.org", "07400 100003", 4110, "Karen Bradley");     // NoVoteRecorded
        await _t.AddSupporterAsync("Dev", "dev@example.org", "07400 100004", 99990, "A New Member");         // not in the roll (a by-election since)
        await _t.AddSupporterAsync("Esi", "esi@example.org", "07400 100005", null, "");                      // no postcode: MP unknown
        await _t.WatchBillAsync();
        string segment = await _t.Campaigns.CreateSegmentAsync(new { name = "Rates", tagsAny = new[] { "rates" }, channels = new[] { "email", "sms" } });
        await _t.AddVoteRuleAsync(segment);
        await _t.PollAsync();
        HttpResponseMessage confirmed = await _t.ConfirmAsync(DivisionsTestApp.SecondReading, "voted to end the private school exemption", "voted to keep it");
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);

        string campaign = Assert.Single(await _t.CampaignsAsync())["id"]!.GetValue<string>();
        JsonObject preview = await _t.Campaigns.PostAsync($"/api/v1/campaigns/{campaign}/preview", new { });
        Assert.Contains("Jane Smith voted for: Non-Domestic Rating", preview.ToJsonString(), StringComparison.Ordinal);
        await _t.Campaigns.PostAsync($"/api/v1/campaigns/{campaign}/approve", new { approvedBy = "test" });
        await _t.Campaigns.PostAsync($"/api/v1/campaigns/{campaign}/send", new { });
        Assert.Equal(0, await _t.Campaigns.PumpAsync());

        JsonArray outbox = (await _t.Client.GetFromJsonAsync<JsonArray>($"/api/v1/campaigns/{campaign}/outbox"))!;
        var sms = outbox.Where(m => m!["channel"]!.GetValue<string>() == "Sms").ToDictionary(m => m!["to"]!.GetValue<string>(), m => m!["body"]!.GetValue<string>());
        const string Title = "Non-Domestic Rating (Multipliers and Private Schools) Bill: Second Reading (Ayes 336, Noes 175).";
        Assert.Equal($"Refugee Rights Test: Karl Turner voted for: {Title} Reply STOP to opt out.", sms["+447400100001"]);
        Assert.Equal($"Refugee Rights Test: Sir John Hayes voted against: {Title} Reply STOP to opt out.", sms["+447400100002"]);
        Assert.Equal($"Refugee Rights Test: Karen Bradley did not vote: {Title} Reply STOP to opt out.", sms["+447400100003"]);
        Assert.Equal($"Refugee Rights Test: A New Member has no recorded vote: {Title} Reply STOP to opt out.", sms["+447400100004"]);
        Assert.Equal($"Refugee Rights Test: your MP has no recorded vote: {Title} Reply STOP to opt out.", sms["+447400100005"]);

        // One message per supporter per channel, and the meaning line follows the side their MP took.
        Assert.Equal(10, outbox.Count);
        Assert.All(outbox.GroupBy(m => (m!["channel"]!.GetValue<string>(), m["to"]!.GetValue<string>())), g => Assert.Single(g));
        string amiraEmail = outbox.Single(m => m!["to"]!.GetValue<string>() == "amira@example.org")!["body"]!.GetValue<string>();
        string benEmail = outbox.Single(m => m!["to"]!.GetValue<string>() == "ben@example.org")!["body"]!.GetValue<string>();
        Assert.Contains("That means they voted to end the private school exemption.", amiraEmail, StringComparison.Ordinal);
        Assert.Contains("That means they voted to keep it.", benEmail, StringComparison.Ordinal);

        // The report counts what was sent by how each recipient's MP voted.
        JsonObject report = await _t.Campaigns.ReportAsync(campaign);
        Assert.Equal("completed", report["state"]!.GetValue<string>());
        JsonObject byVote = report["byMpVote"]!.AsObject();
        Assert.Equal(2, byVote["voted for"]!.GetValue<int>());
        Assert.Equal(2, byVote["voted against"]!.GetValue<int>());
        Assert.Equal(2, byVote["did not vote"]!.GetValue<int>());
        Assert.Equal(4, byVote["has no recorded vote"]!.GetValue<int>());
    }

    [Fact]
    public async Task AFollowUpNarrowedByHowMpsVoted_ReachesOnlyThoseWhoseMpVotedThatWay()
    {
        await _t.AddSupporterAsync("Amira", "amira@example.org", "07400 100001", 4030, "Karl Turner");        // Ayes
        await _t.AddSupporterAsync("Ben", "ben@example.org", "07400 100002", 350, "Sir John Hayes");         // Noes
        await _t.AddSupporterAsync("Chloe", "chloe@example.org", "07400 100003", 4110, "Karen Bradley");     // NoVoteRecorded
        await _t.AddSupporterAsync("Esi", "esi@example.org", "07400 100005", null, "");                      // MP unknown
        await _t.WatchBillAsync();
        string segment = await _t.Campaigns.CreateSegmentAsync(new { name = "Rates", tagsAny = new[] { "rates" }, channels = new[] { "email", "sms" } });

        // Narrowing needs a division to narrow by: refused on any other rule, and on a draft about no division.
        HttpResponseMessage stageRule = await _t.Client.PostAsJsonAsync("/api/v1/alert-rules", new
        {
            name = "Stage", billId = DivisionsTestApp.BillId, eventKinds = new[] { "StageReached" }, mode = "draft",
            campaign = new { name = "x", segmentId = segment, channels = new[] { "sms" }, sms = "{{bill_title}}", mpVoted = new[] { "against" } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, stageRule.StatusCode);
        Assert.Contains("campaign.mpVoted", await stageRule.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        HttpResponseMessage draft = await _t.Client.PostAsJsonAsync("/api/v1/campaigns", new { name = "x", segmentId = segment, channels = new[] { "sms" }, sms = "Hello", mpVoted = new[] { "against" } });
        Assert.Equal(HttpStatusCode.BadRequest, draft.StatusCode);
        Assert.Contains("\"mpVoted\"", await draft.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await _t.AddVoteRuleAsync(segment, mpVoted: ["against", "didNotVote"]);
        await _t.PollAsync();
        Assert.Equal(HttpStatusCode.OK, (await _t.ConfirmAsync(DivisionsTestApp.SecondReading, "voted to end the private school exemption", "voted to keep it")).StatusCode);
        string campaign = Assert.Single(await _t.CampaignsAsync())["id"]!.GetValue<string>();

        JsonObject preview = await _t.Campaigns.PostAsync($"/api/v1/campaigns/{campaign}/preview", new { });
        Assert.Equal((2, 2), (preview["email"]!["recipients"]!.GetValue<int>(), preview["sms"]!["recipients"]!.GetValue<int>()));
        await _t.Campaigns.PostAsync($"/api/v1/campaigns/{campaign}/approve", new { approvedBy = "test" });
        await _t.Campaigns.PostAsync($"/api/v1/campaigns/{campaign}/send", new { });
        Assert.Equal(0, await _t.Campaigns.PumpAsync());

        JsonArray outbox = (await _t.Client.GetFromJsonAsync<JsonArray>($"/api/v1/campaigns/{campaign}/outbox"))!;
        Assert.Equal(["+447400100002", "+447400100003", "ben@example.org", "chloe@example.org"], outbox.Select(m => m!["to"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        JsonObject report = await _t.Campaigns.ReportAsync(campaign);
        Assert.Equal(("completed", 2, 2), (report["state"]!.GetValue<string>(), report["byMpVote"]!["voted against"]!.GetValue<int>(), report["byMpVote"]!["did not vote"]!.GetValue<int>()));
        Assert.Null(report["byMpVote"]!["voted for"]);
        Assert.Equal(2, report["channels"]!["sms"]!["planned"]!.GetValue<int>());
    }
}
