using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alerts.Fakes;

namespace Alerts.Divisions;

/// <summary>Watching the Commons and Lords Votes APIs (loopback, recorded responses) and linking divisions to a watched bill.</summary>
public sealed class DivisionWatchingTests : IAsyncLifetime
{
    private DivisionsTestApp _t = null!;

    public async Task InitializeAsync() => _t = await DivisionsTestApp.StartAsync();

    public async Task DisposeAsync() => await _t.DisposeAsync();

    [Fact]
    public async Task EachDivisionIsRecordedOnce_AcrossOverlappingAndRepeatedRuns()
    {
        await _t.WatchBillAsync();

        // Ten runs at once, then two more: every run reads the same pages back over the recheck window.
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _t.PollAsync()));
        await _t.PollAsync();
        string last = await _t.PollAsync();

        JsonArray divisions = await _t.DivisionsAsync();
        var ids = divisions.Select(d => d!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(26, ids.Count); // 25 recorded Commons divisions and 1 Lords
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Contains("lords-3172", ids);
        Assert.Contains("Commons: read", last, StringComparison.Ordinal);
        Assert.Contains("recorded 0", last, StringComparison.Ordinal);

        // The official result is the tellers' count, not the length of the lists (333 + 2 ayes, 174 + 2 noes).
        JsonObject secondReading = await _t.DivisionAsync(DivisionsTestApp.SecondReading);
        Assert.Equal("Ayes 336, Noes 175", secondReading["result"]!.GetValue<string>());
        Assert.Equal("Contents 36, Not contents 89", (await _t.DivisionAsync("lords-3172"))["result"]!.GetValue<string>());
        Assert.Equal("Lord Roborough moved amendment 51, to leave out clause 10. The House divided:", (await _t.DivisionAsync("lords-3172"))["notes"]!.GetValue<string>());
    }

    [Fact]
    public async Task DivisionsOnTheBillsSittingDay_NamingIt_AreProposed_OthersAreNot_AndTheDeferredOneDoesNotBreakTheRun()
    {
        await _t.WatchBillAsync();
        await _t.PollAsync();

        JsonArray proposed = await _t.DivisionsAsync("?state=proposed");
        Assert.Equal([DivisionsTestApp.SecondReading, DivisionsTestApp.ReasonedAmendment], proposed.Select(d => d!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal).Reverse());
        JsonObject link = proposed[0]!["link"]!.AsObject();
        Assert.Equal(DivisionsTestApp.BillId, link["billId"]!.GetValue<int>());
        Assert.Contains(link["reasons"]!.AsArray(), r => r!.GetValue<string>().Contains("2nd reading sat in the Commons that day", StringComparison.Ordinal));

        // The deferred division (1869: null tellers, a midnight time) is recorded, and never proposed.
        JsonObject deferred = await _t.DivisionAsync("commons-1869");
        Assert.True(deferred["isDeferred"]!.GetValue<bool>());
        Assert.Equal("unlinked", deferred["link"]!["state"]!.GetValue<string>());

        // Only proposed Commons divisions need their roll: one detail request each, not one per division.
        Assert.Equal(2, _t.Votes.CountRequests("/commons/data/division/"));
        Assert.True((await _t.DivisionAsync(DivisionsTestApp.SecondReading))["namesPublished"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ConfirmingAProposedLink_MakesExactlyOneCampaignPerRule_HoweverOftenItIsConfirmedOrPolled()
    {
        await _t.WatchBillAsync();
        string segment = await _t.Campaigns.CreateSegmentAsync(new { name = "Rates", tagsAny = new[] { "rates" }, channels = new[] { "email", "sms" } });
        await _t.AddVoteRuleAsync(segment, "Follow up A");
        await _t.AddVoteRuleAsync(segment, "Follow up B");
        await _t.PollAsync();
        Assert.Empty(await _t.CampaignsAsync()); // nothing is sent about an unconfirmed division

        HttpResponseMessage[] confirms = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _t.ConfirmAsync(DivisionsTestApp.SecondReading)));
        Assert.All(confirms, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await Task.WhenAll(_t.PollAsync(), _t.PollAsync());

        Assert.Single(await _t.DivisionEventsAsync());
        List<JsonObject> campaigns = await _t.CampaignsAsync();
        Assert.Equal(["Follow up A", "Follow up B"], campaigns.Select(c => c["content"]!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.All(campaigns, c => Assert.Equal("draft", c["state"]!.GetValue<string>()));
        JsonObject division = (await _t.DivisionAsync(DivisionsTestApp.SecondReading));
        Assert.Equal("confirmed", division["link"]!["state"]!.GetValue<string>());
        Assert.True(division["announced"]!.GetValue<bool>());
        Assert.StartsWith("key:", division["link"]!["decidedBy"]!.GetValue<string>(), StringComparison.Ordinal);

        // A different answer after the fact is refused in words: rules may have acted on the first.
        HttpResponseMessage changed = await _t.ConfirmAsync(DivisionsTestApp.SecondReading, ayeMeans: "something else");
        Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);
        Assert.Contains("already confirmed", await changed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARepublishedDivision_IsUpdated_WithoutASecondEventOrCampaign()
    {
        await _t.WatchBillAsync();
        string segment = await _t.Campaigns.CreateSegmentAsync(new { name = "Rates", tagsAny = new[] { "rates" }, channels = new[] { "email", "sms" } });
        await _t.AddVoteRuleAsync(segment);
        await _t.PollAsync();
        Assert.Equal(HttpStatusCode.OK, (await _t.ConfirmAsync(DivisionsTestApp.SecondReading)).StatusCode);

        // Parliament corrects the lists next day: Karen Bradley (4110) is moved from "no vote recorded" to the ayes.
        JsonObject corrected = FakeVotesApi.RecordedCommons1873();
        JsonNode bradley = corrected["NoVoteRecorded"]!.AsArray().Single(m => m!["MemberId"]!.GetValue<int>() == 4110)!;
        corrected["NoVoteRecorded"]!.AsArray().Remove(bradley);
        corrected["Ayes"]!.AsArray().Add(bradley.DeepClone());
        corrected["AyeCount"] = 337;
        corrected["PublicationUpdated"] = "2024-11-27T10:00:00";
        _t.Votes.AddCommonsDetail(corrected);
        string log = await _t.PollAsync();
        await _t.PollAsync();

        Assert.Contains("re-published 1", log, StringComparison.Ordinal);
        Assert.Equal("Ayes 337, Noes 175", (await _t.DivisionAsync(DivisionsTestApp.SecondReading))["result"]!.GetValue<string>());
        Assert.Single(await _t.DivisionEventsAsync());
        Assert.Single(await _t.CampaignsAsync());
    }

    [Fact]
    public async Task AHouseThatIsDown_IsOneError_AndRecordsNothing_WhileTheOtherHouseCarriesOn()
    {
        await _t.WatchBillAsync();
        _t.Votes.CommonsDown = true;

        string log = await _t.PollAsync();

        Assert.Contains("Commons: unavailable.", log, StringComparison.Ordinal);
        Assert.Equal(["lords-3172"], (await _t.DivisionsAsync()).Select(d => d!["id"]!.GetValue<string>()));

        _t.Votes.CommonsDown = false;
        await _t.PollAsync();
        Assert.Equal(26, (await _t.DivisionsAsync()).Count);
    }

    [Fact]
    public async Task ConfirmationNeedsTheNamesPublished_ValidMeaningLines_AWatchedBill_AndTheSendScope()
    {
        await _t.WatchBillAsync();
        // 1872 has no recorded roll: the fake serves it as a division just voted, its names not yet published.
        await _t.PollAsync();

        HttpResponseMessage early = await _t.ConfirmAsync(DivisionsTestApp.ReasonedAmendment);
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("not published who voted", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        HttpResponseMessage blank = await _t.Client.PostAsJsonAsync($"/api/v1/divisions/{DivisionsTestApp.SecondReading}/confirm", new { billId = 9999, ayeMeans = "", noMeans = "voted to stop the bill" });
        Assert.Equal(HttpStatusCode.BadRequest, blank.StatusCode);
        JsonObject problem = (await blank.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(["ayeMeans", "billId"], problem["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal));

        HttpResponseMessage badId = await _t.Client.PostAsJsonAsync("/api/v1/divisions/senate-12/confirm", new { billId = DivisionsTestApp.BillId, ayeMeans = "a", noMeans = "b" });
        Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);
        Assert.Contains("divisionId", await badId.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await _t.Client.GetAsync(new Uri("/api/v1/divisions/commons-99999", UriKind.Relative))).StatusCode);

        using HttpClient writer = _t.App.Server.CreateClient(); // no key of its own
        writer.DefaultRequestHeaders.Add("X-Api-Key", await _t.App.CreateApiKeyAsync("read", "write"));
        HttpResponseMessage forbidden = await writer.PostAsJsonAsync($"/api/v1/divisions/{DivisionsTestApp.SecondReading}/confirm", new { billId = DivisionsTestApp.BillId, ayeMeans = "a", noMeans = "b" });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("proposed", (await _t.DivisionAsync(DivisionsTestApp.SecondReading))["link"]!["state"]!.GetValue<string>());
        Assert.Empty(await _t.DivisionEventsAsync());
    }

    [Fact]
    public async Task ARuleWhoseCampaignUsesAChannelItsSegmentLacks_IsRefusedWhenSetUp_NotAtEveryEvent()
    {
        string emailOnly = await _t.Campaigns.CreateSegmentAsync(new { name = "Email only", tagsAny = new[] { "rates" }, channels = new[] { "email" } });

        HttpResponseMessage refused = await _t.Client.PostAsJsonAsync("/api/v1/alert-rules", new
        {
            name = "Follow up", billId = DivisionsTestApp.BillId, eventKinds = new[] { "DivisionRecorded" },
            campaign = new { name = "x", segmentId = emailOnly, channels = new[] { "sms" }, sms = "{{mp_name}} {{mp_vote}}" },
        });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        JsonObject problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains("email only", problem["errors"]!["campaign.channels"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty((await _t.Client.GetFromJsonAsync<JsonArray>("/api/v1/alert-rules"))!);
    }

    [Fact]
    public async Task ADismissedDivision_IsNotProposedAgain()
    {
        await _t.WatchBillAsync();
        await _t.PollAsync();

        JsonObject dismissed = await _t.Campaigns.PostAsync($"/api/v1/divisions/{DivisionsTestApp.ReasonedAmendment}/dismiss", new { });
        await _t.PollAsync();

        Assert.Equal("dismissed", dismissed["link"]!["state"]!.GetValue<string>());
        Assert.Equal("dismissed", (await _t.DivisionAsync(DivisionsTestApp.ReasonedAmendment))["link"]!["state"]!.GetValue<string>());
    }
}
