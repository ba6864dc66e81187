using System.Globalization;
using Alerts.Infrastructure;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;

namespace Alerts.Supporters;

public sealed class SupporterApiTests : IAsyncLifetime
{
    private SupportersTestApp _t = null!;

    public async Task InitializeAsync() => _t = await SupportersTestApp.StartAsync();

    public async Task DisposeAsync() => await _t.DisposeAsync();

    [Fact]
    public async Task Create_NormalisesContactDetailsAndFindsTheMp()
    {
        JsonObject supporter = await _t.CreateAsync(new
        {
            firstName = "Amira", email = "Amira@Example.ORG", phone = "07400 123456", postcode = "iv11aa",
            tags = new[] { "asylum", "Hate-Speech" }, emailConsent = SupportersTestApp.Consent(true),
        });

        Assert.Equal("Amira@example.org", supporter["email"]!.GetValue<string>());
        Assert.Equal("+447400123456", supporter["phone"]!.GetValue<string>());
        Assert.Equal("IV1 1AA", supporter["postcode"]!.GetValue<string>());
        Assert.Equal("Inverness, Skye and West Ross-shire", supporter["constituency"]!.GetValue<string>());
        Assert.Equal("Mr Angus MacDonald", supporter["mpName"]!.GetValue<string>());
        Assert.Equal("Done", supporter["enrichment"]!.GetValue<string>());
        Assert.Equal(["asylum", "hate-speech"], supporter["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.True(supporter["emailConsent"]!["allowsSending"]!.GetValue<bool>());
        Assert.False(supporter["smsConsent"]!["allowsSending"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("email", "a b@example.org")]
    [InlineData("email", "someone@localhost")]
    [InlineData("phone", "07700 900123")]
    [InlineData("phone", "020 7946 0018")]
    [InlineData("postcode", "not a postcode")]
    public async Task Create_WithInvalidField_Is400NamingTheFieldAndWritesNothing(string field, string value)
    {
        var body = new JsonObject { ["email"] = "valid@example.org", ["phone"] = "07400 123456", [field] = value };

        HttpResponseMessage response = await _t.Client.PostAsJsonAsync("/api/v1/supporters", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonObject problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), problem.ToJsonString());
        Assert.Equal(HttpStatusCode.NotFound, (await _t.Client.PostAsJsonAsync("/api/v1/supporters/find", new { email = "valid@example.org" })).StatusCode);
    }

    [Theory]
    [InlineData("{\"email\":\"x@example.org\",\"tags\":[\"Not A Tag!\"]}", "tags")]
    [InlineData("{\"email\":\"x@example.org\",\"nickname\":\"x\"}", "nickname")]
    [InlineData("{\"phone\":\"07400123456\",\"smsConsent\":{\"status\":\"granted\",\"basis\":\"charitableSoftOptIn\"}}", "smsConsent.basis")]
    [InlineData("{\"phone\":\"07400123456\",\"smsConsent\":{\"status\":\"granted\",\"basis\":\"charitableSoftOptIn\",\"obtainedDirectly\":true,\"optOutOfferedAtCollection\":true,\"obtainedAt\":\"2025-06-01T00:00:00Z\"}}", "smsConsent.obtainedAt")]
    [InlineData("{\"firstName\":\"No contact\"}", "email")]
    public async Task Create_InvalidRequest_IsAProblemNamingTheField(string json, string field)
    {
        HttpResponseMessage response = await _t.Client.PostAsync(new Uri("/api/v1/supporters", UriKind.Relative),
            new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonObject problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains(problem["errors"]!.AsObject(), e => e.Key.Equals(field, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Create_SoftOptInWithItsConditions_AllowsSending()
    {
        JsonObject supporter = await _t.CreateAsync(new
        {
            phone = "07911 123456", // Guernsey mobile, +44
            smsConsent = new { status = "granted", basis = "charitableSoftOptIn", source = "stall", obtainedAt = "2026-03-01T10:00:00Z", obtainedDirectly = true, optOutOfferedAtCollection = true },
        });

        Assert.Equal("+447911123456", supporter["phone"]!.GetValue<string>());
        Assert.True(supporter["smsConsent"]!["allowsSending"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Patch_ChangesOnlyTheGivenFields_AndEmptyStringClears()
    {
        JsonObject created = await _t.CreateAsync(new { firstName = "Sam", lastName = "Lee", email = "sam@example.org", phone = "07400 123456", tags = new[] { "asylum" } });
        string id = created["id"]!.GetValue<string>();

        HttpResponseMessage response = await _t.Client.PatchAsJsonAsync($"/api/v1/supporters/{id}", new { lastName = "Leigh", phone = "" });
        JsonObject updated = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal("Sam", updated["firstName"]!.GetValue<string>());
        Assert.Equal("Leigh", updated["lastName"]!.GetValue<string>());
        Assert.Equal("sam@example.org", updated["email"]!.GetValue<string>());
        Assert.Null(updated["phone"]);
        Assert.Equal(["asylum"], updated["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, (await _t.Client.PostAsJsonAsync("/api/v1/supporters/find", new { phone = "07400123456" })).StatusCode);
    }

    [Fact]
    public async Task Find_ByEmailOrPhone_ReturnsTheSupporter()
    {
        JsonObject created = await _t.CreateAsync(new { email = "find.me@example.org", phone = "+44 7400 123456" });

        JsonObject byEmail = (await (await _t.Client.PostAsJsonAsync("/api/v1/supporters/find", new { email = "FIND.ME@example.org" })).Content.ReadFromJsonAsync<JsonObject>())!;
        JsonObject byPhone = (await (await _t.Client.PostAsJsonAsync("/api/v1/supporters/find", new { phone = "07400123456" })).Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(created["id"]!.GetValue<string>(), byEmail["id"]!.GetValue<string>());
        Assert.Equal(created["id"]!.GetValue<string>(), byPhone["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_WithAnotherSupportersPhone_IsRejected()
    {
        await _t.CreateAsync(new { email = "one@example.org", phone = "07400 123456" });

        HttpResponseMessage response = await _t.Client.PostAsJsonAsync("/api/v1/supporters", new { email = "two@example.org", phone = "07400 123456" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("phone", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConsentChange_MovesTheSupporterInAndOutOfChannelSegments()
    {
        JsonObject created = await _t.CreateAsync(new { email = "c@example.org", phone = "07400 123456", tags = new[] { "asylum" }, emailConsent = SupportersTestApp.Consent(true) });
        string id = created["id"]!.GetValue<string>();
        var segment = new { tagsAny = new[] { "asylum" }, channels = new[] { "email", "sms" } };

        JsonObject before = await _t.CountAsync(segment);
        Assert.True(before["channels"]!["email"]!.GetValue<int>() == 1, before.ToJsonString());
        await _t.Client.PutAsJsonAsync($"/api/v1/supporters/{id}/consent/sms", SupportersTestApp.Consent(true));
        JsonObject both = await _t.CountAsync(segment);
        await _t.Client.PutAsJsonAsync($"/api/v1/supporters/{id}/consent/email", SupportersTestApp.Consent(false));
        JsonObject smsOnly = await _t.CountAsync(segment);

        Assert.Equal((1, 0), (before["channels"]!["email"]!.GetValue<int>(), before["channels"]!["sms"]!.GetValue<int>()));
        Assert.Equal((1, 1), (both["channels"]!["email"]!.GetValue<int>(), both["channels"]!["sms"]!.GetValue<int>()));
        Assert.Equal((0, 1), (smsOnly["channels"]!["email"]!.GetValue<int>(), smsOnly["channels"]!["sms"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Tags_AddAndRemove_UpdateSegmentsAndListByTag()
    {
        JsonObject created = await _t.CreateAsync(new { email = "t@example.org", tags = new[] { "asylum" }, emailConsent = SupportersTestApp.Consent(true) });
        string id = created["id"]!.GetValue<string>();

        await _t.Client.PostAsJsonAsync($"/api/v1/supporters/{id}/tags", new { add = new[] { "right-to-food" }, remove = new[] { "asylum" } });

        JsonObject food = (await _t.Client.GetFromJsonAsync<JsonObject>("/api/v1/supporters?tag=right-to-food"))!;
        JsonObject asylum = (await _t.Client.GetFromJsonAsync<JsonObject>("/api/v1/supporters?tag=asylum"))!;
        Assert.Equal(id, Assert.Single(food["items"]!.AsArray())!["id"]!.GetValue<string>());
        Assert.Empty(asylum["items"]!.AsArray());
    }

    [Fact]
    public async Task Erase_LeavesOnlyTheSuppressionHashes()
    {
        const string email = "erase.me@example.org";
        JsonObject created = await _t.CreateAsync(new { firstName = "Erin", email, phone = "07400 123456", postcode = "IV1 1AA", tags = new[] { "asylum" }, emailConsent = SupportersTestApp.Consent(true) });
        string id = created["id"]!.GetValue<string>();
        JsonObject export = (await _t.Client.GetFromJsonAsync<JsonObject>($"/api/v1/supporters/{id}/export"))!;
        Assert.Equal(email, export["supporter"]!["email"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NoContent, (await _t.Client.DeleteAsync(new Uri($"/api/v1/supporters/{id}", UriKind.Relative))).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await _t.Client.GetAsync(new Uri($"/api/v1/supporters/{id}", UriKind.Relative))).StatusCode);
        var service = new TableServiceClient(_t.App.StorageConnectionString);
        var remaining = new List<(string Table, TableEntity Row)>();
        await foreach (var table in service.QueryAsync(t => t.Name.CompareTo(_t.App.NamePrefix) >= 0 && t.Name.CompareTo(_t.App.NamePrefix + "~") < 0))
        {
            await foreach (TableEntity row in service.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                remaining.Add((table.Name[_t.App.NamePrefix.Length..], row));
            }
        }

        string everything = string.Join("\n", remaining.Select(r => r.Table + " " + r.Row.PartitionKey + " " + r.Row.RowKey + " " + string.Join(",", r.Row.Select(p => p.Value))));
        Assert.DoesNotContain(email, everything, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("7400123456", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("Erin", everything, StringComparison.Ordinal);
        // The audit trail keeps the (pseudonymous) id of the erasure it records; nothing else does.
        Assert.DoesNotContain(id, string.Join("\n", remaining.Where(r => r.Table != "AuditLog").Select(r => r.Row.PartitionKey + " " + r.Row.RowKey + " " + string.Join(",", r.Row.Select(p => p.Value)))), StringComparison.Ordinal);
        Assert.Equal(2, remaining.Count(r => r.Table == "Suppressions"));
        // Besides the suppression hashes: the postcode cache, the test's own API key and the audit trail (ids, no addresses).
        Assert.All(remaining.Where(r => r.Table is not ("Suppressions" or "LookupCache" or "ApiKeys" or "AuditLog")), r => Assert.Fail($"{r.Table} still holds {r.Row.PartitionKey}/{r.Row.RowKey}"));

        // Importing them again from an old list cannot make them reachable.
        await _t.CreateAsync(new { email, emailConsent = SupportersTestApp.Consent(true) });
        JsonObject again = (await (await _t.Client.PostAsJsonAsync("/api/v1/supporters/find", new { email })).Content.ReadFromJsonAsync<JsonObject>())!;
        JsonObject reExport = (await _t.Client.GetFromJsonAsync<JsonObject>($"/api/v1/supporters/{again["id"]}/export"))!;
        Assert.Equal("erased", reExport["suppressions"]!["email"]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostcodeLookupDown_LeavesTheSupporterValidWithEnrichmentPending()
    {
        _t.Lookups.Down = true;

        JsonObject supporter = await _t.CreateAsync(new { email = "p@example.org", postcode = "IV1 1AA" });

        Assert.Equal("Pending", supporter["enrichment"]!.GetValue<string>());
        Assert.Null(supporter["constituency"]);

        // Saved again once the service is back, the look-up is made.
        _t.Lookups.Down = false;
        HttpResponseMessage retried = await _t.Client.PatchAsJsonAsync($"/api/v1/supporters/{supporter["id"]}", new { postcode = "IV1 1AA" });
        Assert.Equal("Done", (await retried.Content.ReadFromJsonAsync<JsonObject>())!["enrichment"]!.GetValue<string>());
    }

    [Fact]
    public async Task PendingLookups_AreRetriedByTheTimer_OnceTheServiceIsBack()
    {
        _t.Lookups.Down = true;
        string first = (await _t.CreateAsync(new { email = "p1@example.org", postcode = "IV1 1AA", emailConsent = SupportersTestApp.Consent(true) }))["id"]!.GetValue<string>();
        string second = (await _t.CreateAsync(new { email = "p2@example.org", postcode = "IV1 1AA", emailConsent = SupportersTestApp.Consent(true) }))["id"]!.GetValue<string>();
        var inverness = new { constituencies = new[] { "Inverness, Skye and West Ross-shire" }, channels = new[] { "email" } };

        // Still down: the run changes nothing and says so.
        Assert.Contains("still unavailable", await SweepAsync(), StringComparison.Ordinal);
        Assert.Equal("Pending", (await SupporterAsync(first))["enrichment"]!.GetValue<string>());

        _t.Lookups.Down = false;
        Assert.StartsWith("Looked up 2 pending supporters", await SweepAsync(), StringComparison.Ordinal);

        foreach (string id in new[] { first, second })
        {
            JsonObject supporter = await SupporterAsync(id);
            Assert.Equal("Done", supporter["enrichment"]!.GetValue<string>());
            Assert.Equal("Mr Angus MacDonald", supporter["mpName"]!.GetValue<string>());
        }

        // They now belong to their constituency's segment, and nobody is left to retry.
        Assert.Equal(2, (await _t.CountAsync(inverness))["channels"]!["email"]!.GetValue<int>());
        Assert.StartsWith("Looked up 0 pending supporters", await SweepAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PendingLookupSweep_DropsRowsLeftByACrash_AndChangesNoSupporter()
    {
        string done = (await _t.CreateAsync(new { email = "d@example.org", postcode = "IV1 1AA" }))["id"]!.GetValue<string>();
        JsonObject before = await SupporterAsync(done);
        // What a crash between a save and its index clean-up leaves: the row of a supporter no longer
        // pending, and the row of one since erased.
        var tables = new TableServiceClient(_t.App.StorageConnectionString);
        TableClient Shard(string id) => tables.GetTableClient(_t.App.NamePrefix + "SegmentIndex" + Segments.SegmentIndex.ShardOf(id).ToString("x", CultureInfo.InvariantCulture));
        const string gone = "s0000000000000000000gone";
        await Shard(done).AddEntityAsync(new TableEntity("enrichment|pending", done));
        await Shard(gone).AddEntityAsync(new TableEntity("enrichment|pending", gone));

        Assert.StartsWith("Looked up 0 pending supporters", await SweepAsync(), StringComparison.Ordinal);

        foreach (string id in new[] { done, gone })
        {
            Assert.Empty(await Shard(id).QueryAsync<TableEntity>(e => e.PartitionKey == "enrichment|pending").ToListAsync());
        }
        Assert.Equal(before.ToJsonString(), (await SupporterAsync(done)).ToJsonString());
    }

    private async Task<string> SweepAsync()
    {
        FunctionRun run = await _t.App.InvokeAsync("EnrichPendingSupporters");
        Assert.True(run.Succeeded, run.Log);
        return run.Log;
    }

    private async Task<JsonObject> SupporterAsync(string id) =>
        (await _t.Client.GetFromJsonAsync<JsonObject>($"/api/v1/supporters/{id}"))!;

    [Fact]
    public async Task UnknownPostcode_IsMarkedNotFound_AndLookupsAreCached()
    {
        JsonObject unknown = await _t.CreateAsync(new { email = "u@example.org", postcode = "ZZ9 9ZZ" });
        await _t.CreateAsync(new { email = "v@example.org", postcode = "IV1 1AA" });
        int requests = _t.Lookups.PostcodeRequests;
        await _t.CreateAsync(new { email = "w@example.org", postcode = "IV1 1AA" });

        Assert.Equal("NotFound", unknown["enrichment"]!.GetValue<string>());
        Assert.Equal(requests, _t.Lookups.PostcodeRequests);
    }
}
