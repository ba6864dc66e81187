using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Alerts.Supporters;

/// <summary>Bulk import of a generated 10,000-row CSV with known bad rows, against real Azurite.</summary>
public sealed class SupporterImportTests : IAsyncLifetime
{
    private static readonly string[] AllTags = ["asylum", "modern-slavery", "hate-speech", "right-to-food", "womens-rights"];
    private SupportersTestApp _t = null!;

    public async Task InitializeAsync()
    {
        // Background imports read three rows a run here, so a short file takes several runs.
        _t = await SupportersTestApp.StartAsync(a => a.WithSetting("Supporters:ImportRowsPerRun", "3"));
        _t.Lookups.AddConstituency("CF24 3AA", "Cardiff East", 5001, "Jo Stevens");
        _t.Lookups.AddConstituency("M1 1AE", "Manchester Central", 5002, "Lucy Powell");
    }

    public async Task DisposeAsync() => await _t.DisposeAsync();

    private sealed record Row(int Number, string Email, string Phone, string[] Tags, bool EmailYes, bool SmsYes, string Postcode, string? BadField);

    /// <summary>Rows 2.. of a CSV (row 1 is the header); every 97th row is bad in one of five ways.</summary>
    private static List<Row> Generate(int count)
    {
        var random = new Random(20261123);
        string[] postcodes = ["CF24 3AA", "M1 1AE", "IV1 1AA", ""];
        var rows = new List<Row>();
        for (int i = 0; i < count; i++)
        {
            int number = i + 2;
            string email = $"supporter{i}@example.org";
            string phone = "+4474" + (10000000 + i).ToString(CultureInfo.InvariantCulture);
            string[] tags = AllTags.Where(_ => random.Next(3) == 0).ToArray();
            string? bad = null;
            if (i % 97 == 13)
            {
                (bad, email, phone, tags) = (i / 97 % 5) switch
                {
                    0 => ("email", $"supporter {i}@example.org", phone, tags),
                    1 => ("phone", email, "07700 900123", tags),
                    2 => ("tags", email, phone, ["Not A Tag"]),
                    3 => ("email_consent", email, phone, tags),
                    _ => ("email", "", "", tags),
                };
            }

            rows.Add(new Row(number, email, phone, tags, random.Next(4) != 0, random.Next(2) == 0, postcodes[random.Next(postcodes.Length)], bad));
        }

        return rows;
    }

    private static string ToCsv(IEnumerable<Row> rows)
    {
        var csv = new StringBuilder("email,phone,first_name,postcode,tags,email_consent,sms_consent,consent_source\n");
        foreach (Row r in rows)
        {
            string emailConsent = r.BadField == "email_consent" ? "maybe" : r.EmailYes ? "yes" : "no";
            csv.Append(CultureInfo.InvariantCulture, $"{r.Email},{r.Phone},\"Name, {r.Number}\",{r.Postcode},{string.Join(';', r.Tags)},{emailConsent},{(r.SmsYes ? "yes" : "no")},petition\n");
        }

        return csv.ToString();
    }

    private async Task<JsonObject> ImportAsync(string body, string contentType, bool dryRun = false)
    {
        HttpResponseMessage response = await _t.Client.PostAsync(new Uri($"/api/v1/supporters/import?dryRun={dryRun}", UriKind.Relative),
            new StringContent(body, Encoding.UTF8, contentType));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    [Fact]
    public async Task Import_10000Rows_ReportsEveryBadRow_IsIdempotent_AndSegmentsMatchABruteForceCount()
    {
        List<Row> rows = Generate(10_000);
        string csv = ToCsv(rows);
        List<Row> bad = rows.Where(r => r.BadField is not null).ToList();

        JsonObject dry = await ImportAsync(csv, "text/csv", dryRun: true);
        Assert.Equal(10_000 - bad.Count, dry["created"]!.GetValue<int>());
        Assert.Equal(0, (await _t.CountAsync(new { channels = new[] { "email", "sms" } }))["members"]!.GetValue<int>());

        JsonObject first = await ImportAsync(csv, "text/csv");

        Assert.Equal(10_000, first["rowsRead"]!.GetValue<int>());
        Assert.Equal(10_000 - bad.Count, first["created"]!.GetValue<int>());
        Assert.Equal(bad.Count, first["rejected"]!.GetValue<int>());
        var reported = first["errors"]!.AsArray().Select(e => (e!["row"]!.GetValue<int>(), e["field"]!.GetValue<string>())).ToList();
        Assert.Equal(bad.Select(r => (r.Number, r.BadField!)), reported);

        JsonObject second = await ImportAsync(csv, "text/csv");
        Assert.Equal((0, 0, 10_000 - bad.Count), (second["created"]!.GetValue<int>(), second["updated"]!.GetValue<int>(), second["unchanged"]!.GetValue<int>()));

        // Segment counts from the index equal a count over the generated data.
        List<Row> good = rows.Where(r => r.BadField is null).ToList();
        var segment = new { tagsAny = new[] { "asylum", "hate-speech" }, excludeTags = new[] { "womens-rights" }, channels = new[] { "email", "sms" } };
        bool InSegment(Row r) => r.Tags.Intersect(segment.tagsAny).Any() && !r.Tags.Contains("womens-rights");
        JsonObject counts = await _t.CountAsync(segment);
        Assert.Equal(good.Count(r => InSegment(r) && r.EmailYes), counts["channels"]!["email"]!.GetValue<int>());
        Assert.Equal(good.Count(r => InSegment(r) && r.SmsYes), counts["channels"]!["sms"]!.GetValue<int>());
        Assert.Equal(good.Count(r => InSegment(r) && (r.EmailYes || r.SmsYes)), counts["members"]!.GetValue<int>());

        var allOf = new { tagsAll = new[] { "modern-slavery", "right-to-food" }, constituencies = new[] { "Cardiff East" }, channels = new[] { "sms" } };
        JsonObject cardiff = await _t.CountAsync(allOf);
        Assert.Equal(good.Count(r => r.Tags.Contains("modern-slavery") && r.Tags.Contains("right-to-food") && r.Postcode == "CF24 3AA" && r.SmsYes),
            cardiff["channels"]!["sms"]!.GetValue<int>());

        var everyone = new { channels = new[] { "email" } };
        Assert.Equal(good.Count(r => r.EmailYes), (await _t.CountAsync(everyone))["channels"]!["email"]!.GetValue<int>());
    }

    [Fact]
    public async Task Import_Json_KeepsGoodRowsAndReportsBadOnes()
    {
        string json = """
            [
              {"email":"j1@example.org","tags":["asylum"],"emailConsent":{"status":"granted","basis":"consent","source":"event"}},
              {"email":"j2@example.org","favouriteColour":"red"},
              {"email":"not an email"},
              {"phone":"07400 123457","smsConsent":{"status":"granted"}}
            ]
            """;

        JsonObject report = await ImportAsync(json, "application/json");

        Assert.Equal((4, 2, 2), (report["rowsRead"]!.GetValue<int>(), report["created"]!.GetValue<int>(), report["rejected"]!.GetValue<int>()));
        Assert.Equal([(2, "favouriteColour"), (3, "email")],
            report["errors"]!.AsArray().Select(e => (e!["row"]!.GetValue<int>(), e["field"]!.GetValue<string>())));
    }

    [Fact]
    public async Task Import_Csv_ReturnsItsRejectedRowsAsTheFileHadThem_InOrder()
    {
        JsonObject report = await ImportAsync("Email,First_Name,email_consent\nbad,Ann,yes\nok@example.org,Bo,yes\n,Cat,maybe\n", "text/csv");

        Assert.Equal(["Email", "First_Name", "email_consent"], report["columns"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal([(2, "bad,Ann,yes"), (4, ",Cat,maybe")],
            report["rejectedRows"]!.AsArray().Select(r => (r!["row"]!.GetValue<int>(), string.Join(',', r["cells"]!.AsArray().Select(c => c!.GetValue<string>())))));
    }

    [Fact]
    public async Task Import_UnknownColumn_RejectsTheFileBeforeAnyRow()
    {
        JsonObject report = await ImportAsync("email,shoe_size\na@example.org,9\n", "text/csv");

        Assert.Equal(0, report["created"]!.GetValue<int>());
        Assert.Equal("shoe_size", report["errors"]![0]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Import_WrongContentType_Is400()
    {
        HttpResponseMessage response = await _t.Client.PostAsync(new Uri("/api/v1/supporters/import", UriKind.Relative),
            new StringContent("x", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Import_PreferRespondAsync_RunsInTheBackground_ItsLocationShowsProgressThenTheReport()
    {
        string csv = "email,first_name,tags,email_consent\n" + string.Join("\n",
            "b1@example.org,B1,bulk,yes", "b2@example.org,B2,bulk,yes", "not-an-email,B3,bulk,yes", "b4@example.org,B4,bulk,yes", "b5@example.org,B5,bulk,yes") + "\n";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/supporters/import") { Content = new StringContent(csv, Encoding.UTF8, "text/csv") };
        request.Headers.Add("Prefer", "respond-async, wait=10");

        HttpResponseMessage accepted = await _t.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("respond-async", accepted.Headers.GetValues("Preference-Applied").Single());
        Uri location = accepted.Headers.Location!;
        Assert.StartsWith("/api/v1/supporters/imports/", location.OriginalString, StringComparison.Ordinal);
        JsonObject queued = JsonNode.Parse(await accepted.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(("queued", 0), (queued["state"]!.GetValue<string>(), queued["rowsRead"]!.GetValue<int>()));
        HttpResponseMessage pending = await _t.Client.GetAsync(location);
        Assert.Equal(TimeSpan.FromSeconds(5), pending.Headers.RetryAfter?.Delta);
        Assert.Equal(404, (int)(await _t.Client.PostAsJsonAsync("/api/v1/supporters/find", new { email = "b1@example.org" })).StatusCode); // nothing yet

        // The host runs the queue: one run, then the next it queued, until the file ends.
        int runs = await _t.App.RunImportsAsync();

        Assert.Equal(2, runs);
        JsonObject done = JsonNode.Parse(await _t.Client.GetStringAsync(location))!.AsObject();
        Assert.Equal(("done", 5), (done["state"]!.GetValue<string>(), done["rowsRead"]!.GetValue<int>()));
        JsonObject report = done["report"]!.AsObject();
        Assert.Equal((4, 1), (report["created"]!.GetValue<int>(), report["rejected"]!.GetValue<int>()));
        Assert.Equal((4, "email"), (report["errors"]![0]!["row"]!.GetValue<int>(), report["errors"]![0]!["field"]!.GetValue<string>()));
        Assert.Equal(200, (int)(await _t.Client.PostAsJsonAsync("/api/v1/supporters/find", new { email = "b5@example.org" })).StatusCode);

        // The file, personal data, is gone; and a run that ended the job but died before deleting it is
        // delivered again and deletes what it left.
        string id = location.OriginalString.Split('/')[^1];
        var files = new Azure.Data.Tables.TableClient(_t.App.StorageConnectionString, _t.App.NamePrefix + "ImportFiles");
        Assert.Empty(await files.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == id).ToListAsync());
        await files.AddEntityAsync(new Azure.Data.Tables.TableEntity(id, "000000") { ["Data"] = Encoding.UTF8.GetBytes(csv) });
        Infrastructure.FunctionRun again = await _t.App.InvokeAsync("ImportSupporters", id, 2);
        Assert.True(again.Succeeded, again.Log);
        Assert.Empty(await files.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == id).ToListAsync());
        Assert.Equal(5, JsonNode.Parse(await _t.Client.GetStringAsync(location))!["rowsRead"]!.GetValue<int>());
    }

    [Fact]
    public async Task Import_PreferRespondAsync_TakesCsvOnly_AndAnUnknownImportIs404()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/supporters/import") { Content = new StringContent("[]", Encoding.UTF8, "application/json") };
        request.Headers.Add("Prefer", "respond-async");

        HttpResponseMessage response = await _t.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["A background import takes text/csv."], (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["Content-Type"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal(0, await _t.App.RunImportsAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await _t.Client.GetAsync(new Uri("/api/v1/supporters/imports/i0000", UriKind.Relative))).StatusCode);
    }
}
