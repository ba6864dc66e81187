using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alerts.Infrastructure;
using Alerts.Supporters;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Alerts.Messages;

namespace Alerts.Webhooks;

/// <summary>
/// The unsubscribe page as a supporter meets it: Debian's Chromium, headless, with JavaScript off,
/// against the app on a real loopback port. `.ci/run` installs the chromium package.
/// </summary>
public sealed class UnsubscribePageBrowserTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private AlertsAppFactory _app = null!;

    public async Task InitializeAsync()
    {
        _app = await AlertsAppFactory.CreateAsync();
        _app.UseKestrel(0);
        _app.StartServer();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task UnsubscribeLink_OpenedInABrowserWithoutJavaScript_ConfirmsAndSuppresses()
    {
        Assert.True(File.Exists(Chromium), "Chromium is not installed: apt-get install chromium (.ci/run does this).");
        HttpClient client = _app.CreateClient();
        JsonObject supporter = (await (await client.PostAsJsonAsync("/api/v1/supporters", new
        {
            firstName = "Amira", email = "amira@example.org", phone = "07400 100001",
            emailConsent = new { status = "granted", basis = "consent", source = "website" },
        })).Content.ReadFromJsonAsync<JsonObject>())!;
        string id = supporter["id"]!.GetValue<string>();
        Uri link = _app.Services.GetRequiredService<UnsubscribeLinks>().For(id, Channel.Email);
        var local = new Uri(client.BaseAddress!, link.PathAndQuery);

        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        IBrowserContext context = await browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false });
        IPage page = await context.NewPageAsync();

        await page.GotoAsync(local.ToString());
        Assert.Contains("Refugee Rights Test", await page.TitleAsync(), StringComparison.Ordinal);
        Assert.True(await page.GetByLabel("Email alerts").IsCheckedAsync());
        Assert.False(await page.GetByLabel("Text message (SMS) alerts").IsCheckedAsync());
        Assert.Null((await client.GetFromJsonAsync<JsonObject>($"/api/v1/supporters/{id}/export"))!["suppressions"]!["email"]); // looking changes nothing

        await page.GetByRole(AriaRole.Button, new() { Name = "Unsubscribe" }).ClickAsync();

        Assert.Equal("You are unsubscribed", await page.Locator("h1").InnerTextAsync());
        JsonObject export = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/supporters/{id}/export"))!;
        Assert.Equal("unsubscribe-page", export["suppressions"]!["email"]!["reason"]!.GetValue<string>());
        Assert.Null(export["suppressions"]!["sms"]);
        Assert.Equal("withdrawn", export["supporter"]!["emailConsent"]!["status"]!.GetValue<string>());
    }
}
