using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Alerts.StaffConsole;

/// <summary>
/// Debian's Chromium driven by Playwright against the console on a real loopback port: signing in, moving
/// about, and checking each page with axe (no serious or critical violation) while photographing it at
/// laptop and phone widths into artifacts/console-screenshots (docs/console.md shows them).
/// </summary>
internal sealed class ConsoleBrowser : IAsyncDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly ViewportSize Laptop = new() { Width = 1280, Height = 800 };
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly Uri _base;

    private ConsoleBrowser(IPlaywright playwright, IBrowser browser, Uri baseAddress)
    {
        _playwright = playwright;
        _browser = browser;
        _base = baseAddress;
    }

    public static async Task<ConsoleBrowser> LaunchAsync(Uri baseAddress)
    {
        Assert.True(File.Exists(Chromium), "Chromium is not installed: apt-get install chromium (.ci/run does this).");
        IPlaywright playwright = await Playwright.CreateAsync();
        IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        return new ConsoleBrowser(playwright, browser, baseAddress);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    /// <summary>What the console's Content-Security-Policy refused on any page, for <see cref="CheckAsync"/>.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentQueue<string> PolicyRefusals = new();

    public string Url(string path) => new Uri(_base, path).ToString();

    public async Task<IPage> NewPageAsync()
    {
        IBrowserContext context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = Laptop, Locale = "en-GB" });
        IPage page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        // The console's Content-Security-Policy must not stop anything its pages do: Chromium reports each refusal.
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                PolicyRefusals.Enqueue($"{page.Url}: {message.Text}");
            }
        };
        return page;
    }

    /// <summary>A new page, signed in with the staff key.</summary>
    public async Task<IPage> SignedInAsync(string key)
    {
        IPage page = await NewPageAsync();
        await page.GotoAsync(Url("/console/sign-in"));
        await page.GetByLabel("Staff key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        Assert.Equal("Home", await Heading(page));
        return page;
    }

    public static Task Nav(IPage page, string section) =>
        page.Locator("nav").GetByRole(AriaRole.Link, new() { Name = section, Exact = true }).ClickAsync();

    public static async Task<string> Heading(IPage page) => (await page.Locator("h1").InnerTextAsync()).Trim();

    public static IFormData FormWith(IPage page, params (string Name, string Value)[] fields)
    {
        IFormData form = page.APIRequest.CreateFormData();
        foreach ((string name, string value) in fields)
        {
            form.Set(name, value);
        }

        return form;
    }

    /// <summary>
    /// No serious or critical axe violation, nothing refused by the console's Content-Security-Policy, and the
    /// page photographed at laptop and phone widths.
    /// </summary>
    public static async Task CheckAsync(IPage page, string name)
    {

        // Not into the email preview: it is sandboxed without scripts (as it must be), so axe cannot run inside it.
        AxeResult axe = await page.RunAxe(new AxeRunOptions { Iframes = false });
        AxeResultItem[] serious = [.. axe.Violations.Where(v => v.Impact is "serious" or "critical")];
        Assert.True(serious.Length == 0, $"{name}: " + string.Join("; ", serious.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")));
        Assert.Empty(PolicyRefusals);

        string folder = Path.Combine(RepoPaths.Root, "artifacts", "console-screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}-laptop.png"), FullPage = true });
        await page.SetViewportSizeAsync(Phone.Width, Phone.Height);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}-phone.png"), FullPage = true });
        await page.SetViewportSizeAsync(Laptop.Width, Laptop.Height);
    }
}
