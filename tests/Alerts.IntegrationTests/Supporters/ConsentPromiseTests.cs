using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Alerts.Messages;

namespace Alerts.Supporters;

/// <summary>
/// What Alerts promises supporters whatever else is failing: an opt-out always succeeds, and consent they
/// withdrew comes back only when they give it again.
/// </summary>
public sealed class ConsentPromiseTests : IAsyncLifetime
{
    private SupportersTestApp _t = null!;

    public async Task InitializeAsync() => _t = await SupportersTestApp.StartAsync(app => app
        // A circuit that opens after two failed look-ups, as the default one does after a hundred.
        .WithSetting("Supporters:Resilience:CircuitBreaker:MinimumThroughput", "2")
        .WithSetting("Supporters:Resilience:CircuitBreaker:FailureRatio", "0.5"));

    public async Task DisposeAsync() => await _t.DisposeAsync();

    [Fact]
    public async Task Unsubscribe_WhilePostcodeLookupsAreFailing_ConfirmsAndWithdrawsConsent()
    {
        _t.Lookups.Down = true;
        var ids = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            // Saved while postcodes.io is down (and its circuit opens): valid, pending a look-up.
            JsonObject created = await _t.CreateAsync(new { email = $"u{i}@example.org", postcode = "IV1 1AA", emailConsent = SupportersTestApp.Consent(true) });
            Assert.Equal("Pending", created["enrichment"]!.GetValue<string>());
            ids.Add(created["id"]!.GetValue<string>());
        }

        UnsubscribeLinks links = _t.App.Services.GetRequiredService<UnsubscribeLinks>();
        HttpResponseMessage oneClick = await _t.Client.PostAsync(links.For(ids[0], Channel.Email).PathAndQuery.AsRelative(),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" }));
        HttpResponseMessage page = await _t.Client.PostAsync(links.For(ids[1], Channel.Email).PathAndQuery.AsRelative(),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["channel"] = "email" }));

        Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("You are unsubscribed", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (string id in ids.Take(2))
        {
            JsonObject supporter = (await _t.Client.GetFromJsonAsync<JsonObject>($"/api/v1/supporters/{id}"))!;
            Assert.Equal("withdrawn", supporter["emailConsent"]!["status"]!.GetValue<string>());
            Assert.Equal("Pending", supporter["enrichment"]!.GetValue<string>()); // the opt-out asked nobody
        }
    }

    [Fact]
    public async Task Import_WhileLookupsAreDown_SavesEveryRowPending_WithoutWaitingOnEachLookup()
    {
        _t.Lookups.Down = true;
        var csv = new StringBuilder("email,postcode,email_consent\n");
        for (int i = 0; i < 2000; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"bulk{i}@example.org,IV1 1AA,yes\n");
        }

        JsonObject report = await _t.ImportCsvAsync(csv.ToString());

        Assert.Equal((2000, 2000, 0), (report["rowsRead"]!.GetValue<int>(), report["created"]!.GetValue<int>(), report["rejected"]!.GetValue<int>()));
        // After the first failures the look-up pauses instead of timing out row after row.
        Assert.InRange(_t.Lookups.PostcodeRequests, 1, 40);
        JsonObject one = (await (await _t.Client.PostAsJsonAsync("/api/v1/supporters/find", new { email = "bulk1999@example.org" })).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Pending", one["enrichment"]!.GetValue<string>());
    }

    [Fact]
    public async Task Import_ReportsInTheFilesOwnColumnNames_AndABlankConsent()
    {
        JsonObject report = await _t.ImportCsvAsync(
            "email,first_name,email_consent,email_basis\nok@example.org,Ana,yes,consent\nblank@example.org,Ben,,\nbad@example.org," + new string('x', 101) + ",yes,consent\n");

        Assert.Equal((2, 1), (report["created"]!.GetValue<int>(), report["rejected"]!.GetValue<int>()));
        JsonObject error = report["errors"]!.AsArray().Single()!.AsObject();
        Assert.Equal((4, "first_name"), (error["row"]!.GetValue<int>(), error["field"]!.GetValue<string>()));
        JsonObject warning = report["warnings"]!.AsArray().Single()!.AsObject();
        Assert.Equal((3, "email_consent"), (warning["row"]!.GetValue<int>(), warning["field"]!.GetValue<string>()));
    }


    private async Task<string> IdAsync(string email) =>
        (await (await _t.Client.PostAsJsonAsync("/api/v1/supporters/find", new { email })).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();

    private async Task<List<string>> AuditAsync(string id) =>
        (await _t.Client.GetFromJsonAsync<JsonArray>($"/api/v1/audit?objectType=supporter&objectId={id}"))!
            .Select(e => e!["detail"]?.GetValue<string>() ?? string.Empty).ToList();
}

/// <summary>Consent withdrawn and then met by an old file, on a clock the test moves (no look-ups involved).</summary>
public sealed class ConsentReimportTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 10, 0, 0, TimeSpan.Zero);
    private SupportersTestApp _t = null!;

    public async Task InitializeAsync() => _t = await SupportersTestApp.StartAsync(app => app.WithFakeTime(Start));

    public async Task DisposeAsync() => await _t.DisposeAsync();

    [Fact]
    public async Task ReimportingAnOldFile_AfterAnUnsubscribe_KeepsTheConsentWithdrawn_UntilADatedNewConsent()
    {
        const string file = "email,first_name,email_consent,consent_date\nold@example.org,Ola,yes,2026-01-15\nother@example.org,Obi,yes,2026-01-15\n";
        await _t.ImportCsvAsync(file);
        string id = await IdAsync("old@example.org");
        UnsubscribeLinks links = _t.App.Services.GetRequiredService<UnsubscribeLinks>();
        await _t.Client.PostAsync(links.For(id, Channel.Email).PathAndQuery.AsRelative(),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" }));
        _t.App.Time!.Advance(TimeSpan.FromDays(3));

        JsonObject again = await _t.ImportCsvAsync(file.Replace("Ola", "Olamide", StringComparison.Ordinal));

        Assert.Equal(1, again["keptWithdrawn"]!.GetValue<int>());
        JsonObject warning = again["warnings"]!.AsArray().Single()!.AsObject();
        Assert.Equal((2, "email_consent"), (warning["row"]!.GetValue<int>(), warning["field"]!.GetValue<string>()));
        Assert.Contains("Kept withdrawn", warning["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        JsonObject supporter = (await _t.Client.GetFromJsonAsync<JsonObject>($"/api/v1/supporters/{id}"))!;
        Assert.Equal("withdrawn", supporter["emailConsent"]!["status"]!.GetValue<string>());
        Assert.Equal("Olamide", supporter["firstName"]!.GetValue<string>()); // the rest of the row is saved
        Assert.Equal(1, (await _t.CountAsync(new { channels = new[] { "email" } }))["channels"]!["email"]!.GetValue<int>());
        Assert.DoesNotContain(await AuditAsync(id), e => e.Contains("Withdrawn → Granted", StringComparison.Ordinal));

        // Staff cannot re-grant it without saying when the supporter consented again; the answer says why.
        HttpResponseMessage undated = await _t.Client.PutAsJsonAsync($"/api/v1/supporters/{id}/consent/email", new { status = "granted", source = "staff" });
        Assert.Equal(HttpStatusCode.Conflict, undated.StatusCode);
        Assert.True((await undated.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().ContainsKey("obtainedAt"));
        HttpResponseMessage stale = await _t.Client.PutAsJsonAsync($"/api/v1/supporters/{id}/consent/email",
            new { status = "granted", source = "old form", obtainedAt = Start.AddDays(-1) });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);

        // A file carrying a consent given after the withdrawal restores it.
        JsonObject fresh = await _t.ImportCsvAsync("email,email_consent,consent_source,consent_date\nold@example.org,yes,rally sign-up,2026-06-03\n");
        Assert.Equal((0, 1), (fresh["keptWithdrawn"]!.GetValue<int>(), fresh["updated"]!.GetValue<int>()));
        supporter = (await _t.Client.GetFromJsonAsync<JsonObject>($"/api/v1/supporters/{id}"))!;
        Assert.Equal("granted", supporter["emailConsent"]!["status"]!.GetValue<string>());
        Assert.Equal("rally sign-up", supporter["emailConsent"]!["source"]!.GetValue<string>());
    }


    private async Task<string> IdAsync(string email) =>
        (await (await _t.Client.PostAsJsonAsync("/api/v1/supporters/find", new { email })).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();

    private async Task<List<string>> AuditAsync(string id) =>
        (await _t.Client.GetFromJsonAsync<JsonArray>($"/api/v1/audit?objectType=supporter&objectId={id}"))!
            .Select(e => e!["detail"]?.GetValue<string>() ?? string.Empty).ToList();
}

internal static class RelativeUris
{
    public static Uri AsRelative(this string pathAndQuery) => new(pathAndQuery, UriKind.Relative);
}
