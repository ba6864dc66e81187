using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alerts.Campaigns;
using Alerts.Divisions;
using Microsoft.Playwright;
using static Alerts.StaffConsole.ConsoleBrowser;

namespace Alerts.StaffConsole;

/// <summary>
/// The console pages for supporters, alert rules, divisions, and a campaign after its draft (edit, schedule,
/// look up a recipient, outcomes over time, a second approver), driven in Debian's Chromium against the
/// real app, Azurite and the loopback Parliament fakes, each page checked with axe and photographed.
/// </summary>
public sealed class ConsoleStaffPagesTests : IAsyncDisposable
{
    private DivisionsTestApp? _divisions;
    private CampaignsTestApp? _campaigns;
    private ConsoleBrowser? _browser;

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        if (_divisions is not null)
        {
            await _divisions.DisposeAsync();
        }
        else if (_campaigns is not null)
        {
            await _campaigns.DisposeAsync();
        }
    }

    private async Task<CampaignsTestApp> StartAsync(bool secondApprover = false, Func<Infrastructure.AlertsAppFactory, Infrastructure.AlertsAppFactory>? configure = null)
    {
        _divisions = await DivisionsTestApp.StartAsync(app =>
        {
            app.UseKestrel(0);
            app = configure?.Invoke(app) ?? app;
            return secondApprover ? app.WithSetting("Alerting:RequireSecondApprover", "true") : app;
        });
        _campaigns = _divisions.Campaigns;
        _browser = await ConsoleBrowser.LaunchAsync(_campaigns.Client.BaseAddress!);
        return _campaigns;
    }

    [Fact]
    public async Task Supporters_FoundByAddress_ConsentAndTagsChanged_Exported_AndErasedAfterConfirming()
    {
        CampaignsTestApp app = await StartAsync();
        await app.ImportAsync(["ada@example.org,+447400900123,Ada,asylum,yes,yes", "bea@example.org,,Bea,asylum,yes,no"]);
        IPage page = await _browser!.SignedInAsync(await app.App.CreateApiKeyAsync("read", "write", "send"));

        await Nav(page, "Supporters");
        await CheckAsync(page, "supporters");
        await page.GetByLabel("Email address").FillAsync("nobody@example.org");
        await page.GetByRole(AriaRole.Button, new() { Name = "Find" }).ClickAsync();
        Assert.Contains("No supporter has this email address", await page.Locator("#email-error").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("nobody@example.org", await page.GetByLabel("Email address").InputValueAsync());
        Assert.DoesNotContain("example.org", page.Url, StringComparison.Ordinal); // the address is never in the URL
        await page.GetByLabel("Email address").FillAsync("Ada@Example.org");
        await page.GetByRole(AriaRole.Button, new() { Name = "Find" }).ClickAsync();
        Assert.Equal("Ada", await Heading(page));
        Assert.DoesNotContain("example.org", page.Url, StringComparison.Ordinal);
        string supporterUrl = page.Url;
        await CheckAsync(page, "supporter");

        // Staff record that Ada withdrew SMS consent on the phone; a later "consent" dated before it is refused in words.
        await page.GetByLabel("SMS", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("withdrew consent").CheckAsync();
        await page.GetByLabel("How you know (source)").FillAsync("phone call");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record consent" }).ClickAsync();
        Assert.Contains("Consent recorded", await page.Locator(".notice").InnerTextAsync(), StringComparison.Ordinal);
        string smsRow = await page.Locator("table tbody tr").Nth(1).InnerTextAsync();
        Assert.Contains("Withdrawn", smsRow, StringComparison.Ordinal);
        Assert.Contains("No — no consent", smsRow, StringComparison.Ordinal);
        await page.GetByLabel("SMS", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("gave consent").CheckAsync();
        await page.GetByLabel("How you know (source)").FillAsync("old paper form");
        await page.GetByLabel("On (date)").FillAsync("2026-01-05");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record consent" }).ClickAsync();
        Assert.Contains("they withdrew consent themselves after the date given", await page.Locator(".problem").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("old paper form", await page.GetByLabel("How you know (source)").InputValueAsync());
        Assert.Contains("Withdrawn", await page.Locator("table tbody tr").Nth(1).InnerTextAsync(), StringComparison.Ordinal);

        // Tags: a bad one is explained next to the field; a good one is added.
        await page.GetByLabel("Add tags").FillAsync("Not A Tag!");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change tags" }).ClickAsync();
        Assert.True(await page.Locator("#tags-error").IsVisibleAsync());
        await page.GetByLabel("Add tags").FillAsync("volunteer");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change tags" }).ClickAsync();
        Assert.Contains("asylum, volunteer", await page.Locator("#tags ~ p").First.InnerTextAsync(), StringComparison.Ordinal);

        // Subject access: everything held, as a file.
        IAPIResponse export = await page.APIRequest.GetAsync(supporterUrl + "/export");
        Assert.Contains("attachment", export.Headers["content-disposition"], StringComparison.Ordinal);
        JsonObject exported = JsonNode.Parse(await export.TextAsync())!.AsObject();
        Assert.Equal("ada@example.org", exported["supporter"]!["email"]!.GetValue<string>());

        // Erasure asks first, and is refused without the box ticked.
        await page.GetByRole(AriaRole.Link, new() { Name = "Erase this supporter…" }).ClickAsync();
        Assert.Equal("Erase a supporter", await Heading(page));
        await CheckAsync(page, "supporter-erase");
        await page.GetByRole(AriaRole.Button, new() { Name = "Erase" }).ClickAsync();
        Assert.True(await page.Locator("#confirmed-error").IsVisibleAsync());
        Assert.Equal(200, (await app.Client.PostAsJsonAsync("/api/v1/supporters/find", new { email = "ada@example.org" })).StatusCode.GetHashCode());
        await page.GetByLabel("I understand: erase them for good").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Erase" }).ClickAsync();
        Assert.Contains("Erased", await page.Locator(".notice").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(404, (int)(await app.Client.PostAsJsonAsync("/api/v1/supporters/find", new { email = "ada@example.org" })).StatusCode);

        // By tag: the list links to each supporter.
        await page.GetByLabel("Tag", new() { Exact = true }).FillAsync("asylum");
        await page.GetByRole(AriaRole.Button, new() { Name = "List" }).ClickAsync();
        Assert.Equal(["Bea"], await page.Locator("#bytag ~ .table-scroll tbody tr td:first-child").AllInnerTextsAsync());
    }

    [Fact]
    public async Task RulesAndDivisions_ARuleOnDivisions_ThenAProposedVoteConfirmed_MakesItsDraft()
    {
        CampaignsTestApp app = await StartAsync();
        await _divisions!.WatchBillAsync();
        string segment = await app.CreateSegmentAsync(new { name = "Rates", tagsAny = new[] { "rates" } });
        await _divisions.AddSupporterAsync("Amira", "amira@example.org", "07400 100001", 4030, "Karl Turner");
        IPage page = await _browser!.SignedInAsync(await app.App.CreateApiKeyAsync("read", "write", "send"));

        // A rule: a missing segment is explained next to its field and the form keeps what was typed.
        await Nav(page, "Rules");
        await page.GetByLabel("Name of the rule").FillAsync("Thank or challenge");
        await page.GetByLabel("Bill", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = DivisionsTestApp.BillTitle });
        await page.GetByLabel("reaches a stage").UncheckAsync();
        await page.GetByLabel("has a division recorded (one you confirmed)").CheckAsync();
        await page.GetByLabel("voted against").CheckAsync();
        await page.GetByLabel("Campaign name").FillAsync("How your MP voted on {{bill_title}}");
        await page.GetByLabel("SMS text").FillAsync("{{mp_name}} {{mp_vote}}: {{division_title}}.");
        await page.GetByLabel("Email", new() { Exact = true }).UncheckAsync();
        await page.GetByLabel("Text message (SMS)").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save rule" }).ClickAsync();
        Assert.Contains("Choose the segment", await page.Locator("[id='campaign.segmentId-error']").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("Thank or challenge", await page.GetByLabel("Name of the rule").InputValueAsync());
        Assert.True(await page.GetByLabel("voted against").IsCheckedAsync());
        await page.GetByLabel("Send to").SelectOptionAsync(new SelectOptionValue { Label = "Rates" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Save rule" }).ClickAsync();
        Assert.Contains("The rule is saved", await page.Locator(".notice").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("only where their MP voted against", await page.Locator("#list ~ .table-scroll tbody").InnerTextAsync(), StringComparison.Ordinal);
        await CheckAsync(page, "rules");

        // The vote is proposed; confirming it without what a no means is refused next to that field.
        await Nav(page, "Divisions");
        await page.GetByRole(AriaRole.Button, new() { Name = "Check Parliament now" }).ClickAsync();
        Assert.Contains("Checked both Houses", await page.Locator(".notice").InnerTextAsync(), StringComparison.Ordinal);
        ILocator vote = page.Locator($"article:has(#d-{DivisionsTestApp.SecondReading})");
        await vote.GetByLabel("An MP who voted aye (for)…").FillAsync("voted to end the private school exemption");
        await vote.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        vote = page.Locator($"article:has(#d-{DivisionsTestApp.SecondReading})");
        Assert.True(await vote.Locator("[id^='noMeans-error']").IsVisibleAsync());
        Assert.Equal("voted to end the private school exemption", await vote.GetByLabel("An MP who voted aye (for)…").InputValueAsync());
        await CheckAsync(page, "divisions");
        await vote.GetByLabel("An MP who voted no (against)…").FillAsync("voted to keep it");
        await vote.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        Assert.Contains("Confirmed", await page.Locator(".notice").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("voted to keep it", await page.Locator("#decided ~ .table-scroll tbody").InnerTextAsync(), StringComparison.Ordinal);

        // The rule made its draft from the vote; the rule can be deleted and its campaign stays.
        JsonObject draft = Assert.Single(await _divisions.CampaignsAsync());
        Assert.Equal(["against"], draft["content"]!["mpVoted"]!.AsArray().Select(v => v!.GetValue<string>()));
        await Nav(page, "Rules");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete the rule Thank or challenge" }).ClickAsync();
        Assert.Contains("The rule is deleted", await page.Locator(".notice").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Single(await _divisions.CampaignsAsync());
    }

    [Fact]
    public async Task Campaign_EditedScheduledSentAndLookedUp_WithItsOutcomesOverTime()
    {
        CampaignsTestApp app = await StartAsync();
        await app.ImportAsync(["ada@example.org,,Ada,asylum,yes,no", "bea@example.org,,Bea,asylum,yes,no"]);
        string segment = await app.CreateSegmentAsync(new { name = "Asylum", tagsAny = new[] { "asylum" }, channels = new[] { "email" } });
        string campaign = (await app.PostAsync("/api/v1/campaigns", CampaignsTestApp.Campaign(segment, ["email"])))["id"]!.GetValue<string>();
        IPage page = await _browser!.SignedInAsync(await app.App.CreateApiKeyAsync("read", "write", "send"));

        // Edit the draft: a bad placeholder is refused by its field; a good edit is saved.
        await page.GotoAsync(_browser.Url($"/console/campaigns/{campaign}"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit the draft" }).ClickAsync();
        Assert.Equal("Edit the draft", await Heading(page));
        await page.GetByLabel("Subject").FillAsync("{{frist_name}}, act now");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        Assert.Contains("frist_name", await page.Locator("[id='email.subject-error']").InnerTextAsync(), StringComparison.Ordinal);
        await page.GetByLabel("Subject").FillAsync("{{first_name}}, act now");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        Assert.Contains("Draft saved", await page.Locator(".notice").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains(", act now", await page.Locator("section p strong").First.Locator("..").InnerTextAsync(), StringComparison.Ordinal);

        // Approve, then a time already past is refused; a future one (London time) schedules it.
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await page.GetByLabel("Day").FillAsync("2020-01-01");
        await page.GetByLabel("Time").FillAsync("09:00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Schedule" }).ClickAsync();
        Assert.Contains("That time has passed", await page.Locator("#at-error").InnerTextAsync(), StringComparison.Ordinal);
        await page.GetByLabel("Day").FillAsync("2099-07-01");
        await page.GetByLabel("Time").FillAsync("09:30");
        await page.GetByRole(AriaRole.Button, new() { Name = "Schedule" }).ClickAsync();
        Assert.Contains("Scheduled", await page.Locator(".notice").InnerTextAsync(), StringComparison.Ordinal);
        JsonObject scheduled = (await app.Client.GetFromJsonAsync<JsonObject>($"/api/v1/campaigns/{campaign}"))!;
        Assert.Equal(new DateTimeOffset(2099, 7, 1, 8, 30, 0, TimeSpan.Zero), scheduled["scheduledAt"]!.GetValue<DateTimeOffset>()); // 09:30 BST

        // Send now after all; then the report has outcomes over time and each recipient can be looked up.
        await page.GetByRole(AriaRole.Button, new() { Name = "Send now" }).ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("notice=sending")); // the post's answer is in before the page is reloaded
        Assert.Equal(0, await app.PumpAsync());
        await page.ReloadAsync();
        Assert.Equal("Completed", await page.Locator("dl.facts .state").InnerTextAsync());
        Assert.Contains("2", await page.Locator("table:has(caption:text('Outcomes recorded')) tbody").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("2 sent", await page.Locator("svg.chart").GetAttributeAsync("aria-label") ?? "", StringComparison.Ordinal);
        await page.GetByLabel("Their email address or mobile number").FillAsync("bea@example.org");
        await page.GetByRole(AriaRole.Button, new() { Name = "Look up" }).ClickAsync();
        Assert.Contains("Sent", await page.Locator("table:has(caption:text('What this campaign did for them')) tbody").InnerTextAsync(), StringComparison.Ordinal);
        await CheckAsync(page, "campaign-report-lookup");
        await page.GotoAsync(_browser.Url($"/console/campaigns/{campaign}/resend-unknown"));
        await CheckAsync(page, "campaign-resend-unknown");
    }

    [Fact]
    public async Task WithASecondApproverRequired_TheDrafterCannotApprove_ButSomeoneElseCan()
    {
        CampaignsTestApp app = await StartAsync(secondApprover: true);
        string segment = await app.CreateSegmentAsync(new { name = "Everyone" });
        string drafter = await app.App.CreateApiKeyAsync("read", "write", "send");
        IPage page = await _browser!.SignedInAsync(drafter);
        await Nav(page, "Campaigns");
        await page.GetByRole(AriaRole.Link, new() { Name = "Draft a campaign" }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Second pair of eyes");
        await page.GetByLabel("Send to").SelectOptionAsync(new SelectOptionValue { Label = "Everyone" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        string campaignUrl = page.Url.Split('?')[0];

        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).CountAsync());
        Assert.Contains("someone else must approve it", await page.Locator("section.card").First.InnerTextAsync(), StringComparison.Ordinal);
        string token = (await page.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value"))!;
        IAPIResponse forged = await page.APIRequest.PostAsync(campaignUrl + "/approve", new() { Form = FormWith(page, ("__RequestVerificationToken", token)), MaxRedirects = 0 });
        Assert.Equal(403, forged.Status);
        Assert.Contains("requires someone else to approve it", await forged.TextAsync(), StringComparison.Ordinal);

        IPage other = await _browser.SignedInAsync(await app.App.CreateApiKeyAsync("read", "write", "send"));
        await other.GotoAsync(campaignUrl);
        await other.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        Assert.Contains("Approved", await other.Locator(".notice").InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_OffersTheRejectedRowsAsTheFileHadThem_AndAnOversizedPostIsAPageNotProblemJson()
    {
        CampaignsTestApp app = await StartAsync();
        IPage page = await _browser!.SignedInAsync(await app.App.CreateApiKeyAsync("read", "write", "send"));
        string csv = "first_name,email,email_consent\nAda,ada@example.org,yes\n\"Cy, Jr\",not-an-email,yes\nDee,dee@example.org,perhaps\n";
        await Nav(page, "Import");
        await page.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload { Name = "people.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(csv) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Check or import" }).ClickAsync();

        string href = (await page.GetByRole(AriaRole.Link, new() { Name = "Download the rejected rows as your file had them" }).GetAttributeAsync("href"))!;
        string file = Uri.UnescapeDataString(href[(href.IndexOf(',', StringComparison.Ordinal) + 1)..]);
        Assert.Equal("\"first_name\",\"email\",\"email_consent\"\n\"Cy, Jr\",\"not-an-email\",\"yes\"\n\"Dee\",\"dee@example.org\",\"perhaps\"\n", file);

        // A form over the console's 1 MB limit is refused before anything reads it, with a page in words.
        await Nav(page, "Segments");
        string token = (await page.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value"))!;
        IAPIResponse tooLarge = await page.APIRequest.PostAsync(_browser.Url("/console/segments"),
            new() { Form = FormWith(page, ("__RequestVerificationToken", token), ("name", new string('x', 1_100_000))), MaxRedirects = 0 });
        Assert.Equal(413, tooLarge.Status);
        Assert.StartsWith("text/html", tooLarge.Headers["content-type"], StringComparison.Ordinal);
        Assert.Contains("larger than this page takes (1 MB)", await tooLarge.TextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALargeImport_RunsInTheBackground_ShowsHowFarItHasGot_ThenItsReport_AndDeletesTheFile()
    {
        // Every file counts as large here, and each run reads two rows, so this one takes three runs.
        CampaignsTestApp app = await StartAsync(configure: a => a.WithSetting("Supporters:BackgroundImportBytes", "100").WithSetting("Supporters:ImportRowsPerRun", "2"));
        IPage page = await _browser!.SignedInAsync(await app.App.CreateApiKeyAsync("read", "write", "send"));
        string csv = "email,first_name,tags,email_consent\n" + string.Join("\n",
            "a1@example.org,A1,bulk,yes", "a2@example.org,A2,bulk,yes", "not-an-email,A3,bulk,yes", "a4@example.org,A4,bulk,yes", "a5@example.org,A5,bulk,yes") + "\n";
        await Nav(page, "Import");
        await page.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload { Name = "big.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(csv) });
        await page.GetByLabel("Import: save the good rows").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Check or import" }).ClickAsync();

        Assert.Contains("/console/import/", page.Url, StringComparison.Ordinal);
        Assert.Contains("0 rows read so far", await page.Locator("#progress [role=status]").InnerTextAsync(), StringComparison.Ordinal);
        await CheckAsync(page, "import-progress");
        string id = page.Url.Split('/')[^1];
        var stored = new Azure.Data.Tables.TableClient(app.App.StorageConnectionString, app.App.NamePrefix + "ImportFiles");
        Assert.NotEmpty(await stored.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == id).ToListAsync());

        // The host runs the queue: one run, then the next it queued, until the file ends.
        int runs = await app.App.RunImportsAsync();

        // The page's script notices the import has ended and shows the report (without script: "Check again").
        await page.Locator("h2#report").WaitForAsync(new() { Timeout = 20_000 });
        Assert.Equal(3, runs);
        Assert.Contains("5 rows read: 4 created", await page.Locator("#report ~ p[role=status]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(["4"], await page.Locator("#report ~ .table-scroll tbody tr td:first-child").AllInnerTextsAsync()); // the file's own row number
        Assert.Empty(await stored.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == id).ToListAsync()); // personal data not kept
        Assert.Equal(200, (int)(await app.Client.PostAsJsonAsync("/api/v1/supporters/find", new { email = "a5@example.org" })).StatusCode);
    }
}
