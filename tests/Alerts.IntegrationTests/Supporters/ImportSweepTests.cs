using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;

namespace Alerts.Supporters;

/// <summary>What background imports keep is forgotten on time, on a fake clock against real Azurite.</summary>
public sealed class ImportSweepTests : IAsyncLifetime
{
    private SupportersTestApp _t = null!;

    public async Task InitializeAsync() =>
        _t = await SupportersTestApp.StartAsync(a => a.WithFakeTime(DateTimeOffset.UtcNow));

    public async Task DisposeAsync() => await _t.DisposeAsync();

    private async Task<Uri> StartAsync(string csv)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/supporters/import") { Content = new StringContent(csv, Encoding.UTF8, "text/csv") };
        request.Headers.Add("Prefer", "respond-async");
        HttpResponseMessage response = await _t.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return response.Headers.Location!;
    }

    private async Task<string> SweepAsync()
    {
        Infrastructure.FunctionRun run = await _t.App.InvokeAsync("SweepImports");
        Assert.True(run.Succeeded, run.Log);
        return run.Log;
    }

    private async Task<string?> StateAsync(Uri job)
    {
        HttpResponseMessage response = await _t.Client.GetAsync(job);
        return response.StatusCode == HttpStatusCode.NotFound ? null : JsonNode.Parse(await response.Content.ReadAsStringAsync())!["state"]!.GetValue<string>();
    }

    [Fact]
    public async Task EndedImportsAreForgottenAfterAWeek_StalledOnesFailAfterADay_AndFilesNoImportUsesAreDeleted()
    {
        TableClient files = new(_t.App.StorageConnectionString, _t.App.NamePrefix + "ImportFiles");
        Uri done = await StartAsync("email,email_consent\nd1@example.org,yes\nnot-an-email,yes\n");
        Assert.Equal(1, await _t.App.RunImportsAsync());
        Assert.Equal("done", await StateAsync(done));
        // An import whose first run was lost (nothing on the queue), and slices left by an upload that died.
        Uri stalled = await StartAsync("email,email_consent\ns1@example.org,yes\n");
        var queue = new Azure.Storage.Queues.QueueClient(_t.App.StorageConnectionString, _t.App.NamePrefix + "imports");
        await queue.ClearMessagesAsync();
        await files.AddEntityAsync(new TableEntity("iorphan0000", "000000") { ["Data"] = Encoding.UTF8.GetBytes("email\nx@example.org\n") });

        // Within a day nothing is touched: an import may still be on its way.
        _t.App.Time!.Advance(TimeSpan.FromHours(23));
        Assert.Contains("0 ended imports forgotten, 0 stalled imports marked failed, 0 stored files deleted", await SweepAsync(), StringComparison.Ordinal);

        // A day on: the lost import is failed and its file, like the orphan, is gone; the ended one stays.
        _t.App.Time.Advance(TimeSpan.FromHours(2));
        string swept = await SweepAsync();
        Assert.Contains("1 stalled imports marked failed, 2 stored files deleted", swept, StringComparison.Ordinal);
        Assert.Equal(("done", "failed"), (await StateAsync(done), await StateAsync(stalled)));
        Assert.Empty(await files.QueryAsync<TableEntity>(maxPerPage: 10).ToListAsync());

        // A week after each ended, its report (rejected rows included) is forgotten.
        _t.App.Time.Advance(TimeSpan.FromDays(6));
        Assert.Contains("1 ended imports forgotten", await SweepAsync(), StringComparison.Ordinal);
        Assert.Equal(((string?)null, "failed"), (await StateAsync(done), await StateAsync(stalled)));
        _t.App.Time.Advance(TimeSpan.FromDays(1));
        Assert.Contains("1 ended imports forgotten", await SweepAsync(), StringComparison.Ordinal);
        Assert.Null(await StateAsync(stalled));
        Assert.Equal(HttpStatusCode.OK, (await _t.Client.PostAsJsonAsync("/api/v1/supporters/find", new { email = "d1@example.org" })).StatusCode); // what was imported stays
    }
}
