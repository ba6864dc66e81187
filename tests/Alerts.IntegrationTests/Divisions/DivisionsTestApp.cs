using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alerts.Campaigns;
using Alerts.Fakes;
using Alerts.Infrastructure;

namespace Alerts.Divisions;

/// <summary>
/// The app with loopback Bills, Commons/Lords Votes, postcodes.io and Members APIs, and the local outbox.
/// The watched bill is the recorded bill 2818's shapes under the title of the recorded division 1873
/// ("Non-Domestic Rating (Multipliers and Private Schools) Bill"), its 2nd reading sitting on the day of
/// that division (25 November 2024): CONSTRUCTED so the recorded division has a bill to be about.
/// </summary>
public sealed class DivisionsTestApp : IAsyncDisposable
{
    public const int BillId = 2818;
    public const string BillTitle = "Non-Domestic Rating (Multipliers and Private Schools) Bill";
    public const string SecondReading = "commons-1873";
    public const string ReasonedAmendment = "commons-1872";

    private DivisionsTestApp(CampaignsTestApp campaigns, FakeBillsApi bills, FakeVotesApi votes, FakeLookupApis lookups)
    {
        Campaigns = campaigns;
        Bills = bills;
        Votes = votes;
        Lookups = lookups;
    }

    public CampaignsTestApp Campaigns { get; }

    public AlertsAppFactory App => Campaigns.App;

    public HttpClient Client => Campaigns.Client;

    public FakeBillsApi Bills { get; }

    public FakeVotesApi Votes { get; }

    public FakeLookupApis Lookups { get; }

    public static async Task<DivisionsTestApp> StartAsync(Func<AlertsAppFactory, AlertsAppFactory>? configure = null)
    {
        FakeBillsApi bills = await FakeBillsApi.StartAsync();
        FakeVotesApi votes = await FakeVotesApi.StartAsync();
        FakeLookupApis lookups = await FakeLookupApis.StartAsync();
        CampaignsTestApp campaigns = await CampaignsTestApp.StartAsync(providers: false, app =>
        {
            app.WithSetting("Parliament:BillsBaseAddress", bills.BaseAddress.ToString())
                .WithSetting("Votes:CommonsBaseAddress", votes.CommonsBaseAddress.ToString())
                .WithSetting("Votes:LordsBaseAddress", votes.LordsBaseAddress.ToString())
                .WithSetting("Votes:WatchFrom", "2024-10-01")
                .WithSetting("Votes:PageSize", "10") // the recorded page of 25 is read over three pages
                .WithSetting("Votes:Resilience:Retry:Delay", "00:00:00.050")
                .WithSetting("Votes:Resilience:Retry:MaxRetryAttempts", "1")
                .WithSetting("Supporters:PostcodesBaseAddress", lookups.PostcodesBaseAddress.ToString())
                .WithSetting("Supporters:MembersBaseAddress", lookups.MembersBaseAddress.ToString());
            return configure?.Invoke(app) ?? app;
        });
        BillScenario.Recorded(BillId).Retitle(BillTitle).AddSitting(12655, 99001, new DateTime(2024, 11, 25)).ServeOn(bills);
        return new DivisionsTestApp(campaigns, bills, votes, lookups);
    }

    public async ValueTask DisposeAsync()
    {
        await Campaigns.DisposeAsync();
        await Bills.DisposeAsync();
        await Votes.DisposeAsync();
        await Lookups.DisposeAsync();
    }

    public async Task WatchBillAsync() => await Campaigns.PostAsync("/api/v1/bills", new { billId = BillId });

    /// <summary>Runs the WatchDivisions timer function once, as the trigger runner would, and returns what it said.</summary>
    public async Task<string> PollAsync()
    {
        FunctionRun run = await App.InvokeAsync("WatchDivisions");
        Assert.True(run.Succeeded, run.Log);
        return run.Log;
    }

    public async Task<JsonArray> DivisionsAsync(string query = "") =>
        (await Client.GetFromJsonAsync<JsonArray>("/api/v1/divisions" + query))!;

    public async Task<JsonObject> DivisionAsync(string id) =>
        (await Client.GetFromJsonAsync<JsonObject>($"/api/v1/divisions/{id}"))!;

    public Task<HttpResponseMessage> ConfirmAsync(string id, string ayeMeans = "voted to let the bill go ahead", string noMeans = "voted to stop the bill") =>
        Client.PostAsJsonAsync($"/api/v1/divisions/{id}/confirm", new { billId = BillId, ayeMeans, noMeans });

    public async Task<List<JsonNode>> DivisionEventsAsync()
    {
        JsonObject page = (await Client.GetFromJsonAsync<JsonObject>($"/api/v1/bills/{BillId}/events?pageSize=100"))!;
        return [.. page["items"]!.AsArray().Where(e => e!["kind"]!.GetValue<string>() == "DivisionRecorded").Select(e => e!)];
    }

    public async Task<List<JsonObject>> CampaignsAsync() =>
        [.. (await Client.GetFromJsonAsync<JsonArray>("/api/v1/campaigns"))!.Select(c => c!.AsObject())];

    /// <summary>A supporter whose postcode resolves to the MP with the given Members API id (the lookup fake serves id ÷ 10 as the constituency).</summary>
    public async Task<string> AddSupporterAsync(string firstName, string email, string phone, int? mpMemberId, string mpName)
    {
        string? postcode = null;
        if (mpMemberId is { } id)
        {
            Assert.Equal(0, id % 10);
            postcode = string.Create(CultureInfo.InvariantCulture, $"SW{id / 10 % 90 + 1} {id / 10 % 9 + 1}AA");
            Lookups.AddConstituency(postcode, $"Constituency {id}", id / 10, mpName);
        }

        var consent = new { status = "granted", basis = "consent", source = "petition" };
        JsonObject created = await Campaigns.PostAsync("/api/v1/supporters", new
        {
            firstName, email, phone, postcode, tags = new[] { "rates" }, emailConsent = consent, smsConsent = consent,
        });
        if (mpMemberId is not null)
        {
            Assert.Equal(mpMemberId, created["mpMemberId"]?.GetValue<int>());
        }

        return created["id"]!.GetValue<string>();
    }

    /// <summary>A rule on confirmed divisions of the bill, drafting a follow-up by SMS and email to the segment.</summary>
    public async Task<string> AddVoteRuleAsync(string segmentId, string name = "Follow up: {{bill_title}}", string mode = "draft", string[]? mpVoted = null) =>
        (await Campaigns.PostAsync("/api/v1/alert-rules", new
        {
            name = "How your MP voted",
            billId = BillId,
            eventKinds = new[] { "DivisionRecorded" },
            mode,
            campaign = new
            {
                name,
                segmentId,
                channels = new[] { "email", "sms" },
                email = new
                {
                    subject = "How {{mp_name}} voted on {{bill_title}}",
                    html = "<p>Dear {{first_name}}, on {{division_title}} {{mp_name}} {{mp_vote}} ({{division_result}}). That means they {{mp_vote_meaning}}.</p><p><a href=\"{{unsubscribe_link}}\">Unsubscribe</a></p>",
                    text = "Dear {{first_name}}, on {{division_title}} {{mp_name}} {{mp_vote}} ({{division_result}}). That means they {{mp_vote_meaning}}. Unsubscribe: {{unsubscribe_link}}",
                },
                sms = "{{mp_name}} {{mp_vote}}: {{division_title}} ({{division_result}}).",
                mpVoted = mpVoted ?? [],
            },
        }))["id"]!.GetValue<string>();
}
