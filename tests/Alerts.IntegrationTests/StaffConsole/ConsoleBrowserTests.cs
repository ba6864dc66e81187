using System.Net.Http.Json;
using Alerts.Campaigns;
using Alerts.Fakes;
using Microsoft.Playwright;

namespace Alerts.StaffConsole;

/// <summary>
/// The staff console as staff meet it: Debian's Chromium against the app on a real loopback port, with
/// Azurite, the loopback Bills API serving a recorded bill, and the outbox for sending. Every page is
/// checked with axe and photographed (<see cref="ConsoleBrowser.CheckAsync"/>).
/// </summary>
public sealed class ConsoleBrowserTests : IAsyncLifetime
{
    private FakeBillsApi _parliament = null!;
    private CampaignsTestApp _app = null!;
    private ConsoleBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _parliament = await FakeBillsApi.StartAsync();
        BillScenario.Recorded(2818).ServeOn(_parliament);
        _app = await CampaignsTestApp.StartAsync(providers: false, app =>
        {
            app.WithSetting("Parliament:BillsBaseAddress", _parliament.BaseAddress.ToString());
            app.UseKestrel(0);
            return app;
        });
        _browser = await ConsoleBrowser.LaunchAsync(_app.Client.BaseAddress!);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _app.DisposeAsync();
        await _parliament.DisposeAsync();
    }

    [Fact]
    public async Task StaffJourney_WatchImportSegmentDraftApproveSend_ReachesCompletedWithTheOutbox()
    {
        string key = await _app.App.CreateApiKeyAsync("read", "write", "send");
        IPage page = await NewPageAsync();

        await page.GotoAsync(Url("/console"));
        Assert.EndsWith("/console/sign-in?ReturnUrl=%2Fconsole", page.Url, StringComparison.Ordinal);
        await CheckAsync(page, "sign-in");
        await page.GetByLabel("Staff key").FillAsync("alk.000000000000.wrong");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        Assert.Contains("not known", await page.Locator(".error").InnerTextAsync(), StringComparison.Ordinal);
        await page.GetByLabel("Staff key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        Assert.Equal("Home", await Heading(page));
        await CheckAsync(page, "home");

        // Watch the recorded bill, by number.
        await Nav(page, "Bills");
        await page.GetByLabel("Or watch by number").FillAsync("not a number");
        await page.GetByRole(AriaRole.Button, new() { Name = "Watch this bill" }).ClickAsync();
        Assert.Contains("bill's number", await page.Locator("#billId-error").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("not a number", await page.GetByLabel("Or watch by number").InputValueAsync()); // what was typed is kept
        await page.GetByLabel("Or watch by number").FillAsync("2818");
        await page.GetByRole(AriaRole.Button, new() { Name = "Watch this bill" }).ClickAsync();
        Assert.Contains("The bill is watched", await page.Locator(".notice").InnerTextAsync(), StringComparison.Ordinal);
        await CheckAsync(page, "bill");
        await Nav(page, "Bills");
        await CheckAsync(page, "bills");

        // Import: a dry run shows each bad row and saves nothing; the import saves the good ones.
        string csv = "email,phone,first_name,tags,email_consent,sms_consent,consent_source\n"
            + "ada@example.org,,Ada,refugee-week,granted,,website\n"
            + "bea@example.org,,Bea,refugee-week,granted,,website\n"
            + "not-an-email,,Cy,refugee-week,granted,,website\n"
            + "dee@example.org,,Dee,refugee-week,granted,,website\n"
            + "eve@example.org,12,Eve,refugee-week,granted,granted,website\n";
        await Nav(page, "Import");
        await page.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload { Name = "supporters.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(csv) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Check or import" }).ClickAsync();
        Assert.Contains("Dry run of supporters.csv", await page.Locator("h2#report").InnerTextAsync(), StringComparison.Ordinal);
        IReadOnlyList<string> rejected = await page.Locator("table tbody tr td:first-child").AllInnerTextsAsync();
        Assert.Equal(["4", "6"], rejected); // the header is row 1
        await CheckAsync(page, "import-report");
        await page.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload { Name = "supporters.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(csv) });
        Assert.True(await page.GetByLabel("Import: save the good rows").IsCheckedAsync()); // after a dry run, the next step is the import
        await page.GetByRole(AriaRole.Button, new() { Name = "Check or import" }).ClickAsync();
        Assert.Contains("3 created", await page.Locator("p[role=status]").InnerTextAsync(), StringComparison.Ordinal);

        // A segment, sized before it is saved.
        await Nav(page, "Segments");
        await page.GetByLabel("With any of these tags").FillAsync("refugee-week");
        await page.GetByRole(AriaRole.Button, new() { Name = "Count" }).ClickAsync();
        Assert.Contains("3 supporters match", await page.Locator("div[role=status]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("refugee-week", await page.GetByLabel("With any of these tags").InputValueAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Save segment" }).ClickAsync();
        Assert.Contains("give the segment a name", (await page.Locator("#name-error").InnerTextAsync()).ToLowerInvariant(), StringComparison.Ordinal);
        await page.GetByLabel("Name").FillAsync("Refugee week");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save segment" }).ClickAsync();
        Assert.Contains("The segment is saved", await page.Locator(".notice").InnerTextAsync(), StringComparison.Ordinal);
        await CheckAsync(page, "segments");

        // Draft: an unknown placeholder is refused next to its field, and the form keeps what was typed.
        await Nav(page, "Campaigns");
        await page.GetByRole(AriaRole.Link, new() { Name = "Draft a campaign" }).ClickAsync();
        await CheckAsync(page, "campaign-editor");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Report stage: write to your MP");
        await page.GetByLabel("Send to").SelectOptionAsync(new SelectOptionValue { Label = "Refugee week" });
        await page.GetByLabel("Subject").FillAsync("{{first_name}}, {{bil_title}} needs you");
        await page.GetByLabel("Action link").FillAsync("https://example.org/act");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        Assert.Contains("Unknown placeholders: bil_title", await page.Locator("[id='email.subject-error']").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("https://example.org/act", await page.GetByLabel("Action link").InputValueAsync());
        await page.GetByLabel("Subject").FillAsync("{{first_name}}, {{bill_title}} needs you");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        Assert.Contains("Draft saved", await page.Locator(".notice").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Email — 3 recipients", await page.Locator("section h3").First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("", await page.Locator("iframe.email").GetAttributeAsync("sandbox")); // the email cannot run script or navigate
        Assert.Contains("Unsubscribe", await page.FrameLocator("iframe.email").Locator("body").InnerTextAsync(), StringComparison.Ordinal);
        await CheckAsync(page, "campaign-draft");

        // Test-send, approve, send.
        await page.GetByLabel("Email addresses").FillAsync("me@example.org");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send a test" }).ClickAsync();
        Assert.Contains("Test sent", await page.Locator(".notice").InnerTextAsync(), StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        Assert.Contains("Approved", await page.Locator(".notice").InnerTextAsync(), StringComparison.Ordinal);
        string campaignUrl = page.Url.Split('?')[0];
        await page.GetByRole(AriaRole.Button, new() { Name = "Send now" }).ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("notice=sending"));
        Assert.Contains("Sending has started", await page.Locator(".notice").InnerTextAsync(), StringComparison.Ordinal);

        Assert.Equal(0, await _app.PumpAsync()); // the dispatch queue, drained as the host would
        await page.GotoAsync(campaignUrl);
        Assert.Equal("Completed", await page.Locator("dl.facts .state").InnerTextAsync());
        IReadOnlyList<string> outbox = await page.Locator("#outbox ~ .table-scroll tbody tr td:first-child").AllInnerTextsAsync();
        Assert.Equal(3, outbox.Count(c => c.Trim().Equals("email", StringComparison.OrdinalIgnoreCase))); // one for each supporter in the segment
        Assert.Equal(1, outbox.Count(c => c.Contains("(test)", StringComparison.Ordinal))); // and the test send, marked
        Assert.Contains("3", await page.Locator("#report ~ .table-scroll tbody tr").InnerTextAsync(), StringComparison.Ordinal);
        await CheckAsync(page, "campaign-report");

        // The audit log names who did it.
        await Nav(page, "Audit");
        string keyId = key.Split('.')[1];
        Assert.Contains($"key:{keyId}", await page.Locator("tbody").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("ConsoleApproveCampaign", await page.Locator("tbody").InnerTextAsync(), StringComparison.Ordinal);
        await CheckAsync(page, "audit");

        // A post without the form's antiforgery token changes nothing; approving twice is explained in words.
        await page.GotoAsync(campaignUrl);
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).CountAsync());
        IAPIResponse forged = await page.APIRequest.PostAsync(campaignUrl + "/cancel", new() { MaxRedirects = 0 });
        Assert.Equal(400, forged.Status);
        string token = (await page.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value"))!;
        IAPIResponse again = await page.APIRequest.PostAsync(campaignUrl + "/approve", new() { Form = FormWith(page, ("__RequestVerificationToken", token)), MaxRedirects = 0 });
        Assert.Equal(409, again.Status);
        Assert.Contains("only a draft can be approved, and this campaign is completed", await again.TextAsync(), StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        Assert.Equal("Sign in", await Heading(page));
        await page.GotoAsync(Url("/console/campaigns"));
        Assert.Equal("Sign in", await Heading(page));
    }

    [Fact]
    public async Task ReadOnlyKey_SeesNoChangeButtons_AndIsRefusedTheirPages()
    {
        string segment = await _app.CreateSegmentAsync(new { name = "Everyone" });
        string campaign = (await _app.PostAsync("/api/v1/campaigns", CampaignsTestApp.Campaign(segment, ["email"])))["id"]!.GetValue<string>();
        string key = await _app.App.CreateApiKeyAsync("read");
        IPage page = await NewPageAsync();
        await page.GotoAsync(Url("/console/sign-in"));
        await page.GetByLabel("Staff key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await page.GotoAsync(Url("/console/campaigns"));
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Draft a campaign" }).CountAsync());
        await page.GotoAsync(Url($"/console/campaigns/{campaign}"));
        Assert.Equal("Report stage alert", await Heading(page));
        foreach (string button in new[] { "Approve", "Send now", "Cancel campaign", "Send a test" })
        {
            Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = button }).CountAsync());
        }

        await page.GotoAsync(Url("/console/segments"));
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Save segment" }).CountAsync());

        IResponse? refused = await page.GotoAsync(Url("/console/campaigns/new"));
        Assert.Equal(403, refused!.Status);
        Assert.Equal("Not allowed with your key", await Heading(page));
        await CheckAsync(page, "forbidden");

        // A forged post from a read-only session, even with a valid antiforgery token, is refused by scope.
        await page.GotoAsync(Url($"/console/campaigns/{campaign}"));
        string token = (await page.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value"))!;
        IAPIResponse approve = await page.APIRequest.PostAsync(Url($"/console/campaigns/{campaign}/approve"),
            new() { Form = FormWith(page, ("__RequestVerificationToken", token)), MaxRedirects = 0 });
        Assert.Equal(403, approve.Status);
        Assert.Equal("draft", (await _app.Client.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/api/v1/campaigns/{campaign}"))!["state"]!.GetValue<string>());
    }

    private string Url(string path) => _browser.Url(path);

    private Task<IPage> NewPageAsync() => _browser.NewPageAsync();

    private static Task Nav(IPage page, string section) => ConsoleBrowser.Nav(page, section);

    private static Task<string> Heading(IPage page) => ConsoleBrowser.Heading(page);

    private static IFormData FormWith(IPage page, params (string Name, string Value)[] fields) => ConsoleBrowser.FormWith(page, fields);

    private static Task CheckAsync(IPage page, string name) => ConsoleBrowser.CheckAsync(page, name);
}
