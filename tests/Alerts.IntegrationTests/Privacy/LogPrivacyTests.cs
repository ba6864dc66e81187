using System.Collections.Concurrent;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Alerts.Campaigns;
using Alerts.Messages;

namespace Alerts.Privacy;

/// <summary>
/// Invariant 6: no email address, phone number or message body in the logs. Runs a whole campaign
/// (import, send through both providers, a failure, an unknown, a webhook opt-out) and reads every log
/// line and every structured value the app wrote.
/// </summary>
public sealed class LogPrivacyTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _lines = new();
    private CampaignsTestApp _t = null!;

    public async Task InitializeAsync() => _t = await CampaignsTestApp.StartAsync(providers: true, app => app
        .WithSetting("Logging:LogLevel:Default", "Debug")
        .WithServices(services => services.AddSingleton<ILoggerProvider>(new CapturingLoggerProvider(_lines))));

    public async Task DisposeAsync() => await _t.DisposeAsync();

    [Fact]
    public async Task AFullCampaign_LogsSupporterIdsButNoAddressesOrMessageBodies()
    {
        string[] emails = ["amira.khan@example.org", "ben.osei@example.org", "chloe.ng@example.org"];
        string[] phones = ["+447400123451", "+447400123452", "+447400123453"];
        await _t.ImportAsync(emails.Select((e, i) => $"{e},{phones[i]},Name{i},asylum,yes,yes"));
        await _t.Client.PostAsJsonAsync("/api/v1/supporters", new { email = "bad email@example.org", phone = "07400 123454" }); // rejected
        string segment = await _t.CreateSegmentAsync(new { name = "All", tagsAny = new[] { "asylum" } });
        string campaign = await _t.CreateApprovedCampaignAsync(segment, ["email", "sms"]);
        _t.Twilio!.OnRequest(2, new Fakes.FakeReply(400, Processed: false, TwilioCode: "21610"));
        _t.Twilio.OnRequest(3, new Fakes.FakeReply(500, Processed: true));
        await _t.PostAsync($"/api/v1/campaigns/{campaign}/send", new { });
        await _t.PumpAsync();
        await _t.PostAsync("/api/v1/supporters/find", new { email = emails[0] });
        await _t.Client.PostAsJsonAsync($"/api/v1/campaigns/{campaign}/test-send", new { emails = new[] { "staff.member@example.org" }, phones = new[] { "07400 999999" } });

        Assert.Equal(4, _t.SendGrid!.Delivered.Count); // three supporters and the test send
        string[] bodies = [.. _t.Twilio.Delivered.Select(d => d.Body)];
        Assert.NotEmpty(bodies);
        string everything = string.Join("\n", _lines);
        Assert.Contains("Supporter s", everything, StringComparison.Ordinal); // ids are logged
        foreach (string secret in emails.Concat(phones).Concat(["staff.member@example.org", "+447400999999", "7400 999999", "bad email"]))
        {
            Assert.DoesNotContain(secret, everything, StringComparison.OrdinalIgnoreCase);
        }

        Assert.All(bodies, body => Assert.DoesNotContain(body, everything, StringComparison.Ordinal));
        Assert.DoesNotContain("Nationality and Borders Bill is at Report stage", everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsubscribeTokens_NeverReachLogsOrTraces_WhateverTheLogLevel()
    {
        await using CampaignsTestApp verbose = await CampaignsTestApp.StartAsync(providers: false, app => app
            .WithSetting("Logging:LogLevel:Default", "Trace")
            .WithSetting("Logging:LogLevel:Microsoft.AspNetCore", "Trace") // as if appsettings.json were not there
            .WithServices(services => services.AddSingleton<ILoggerProvider>(new CapturingLoggerProvider(_lines))));
        var tags = new ConcurrentQueue<string>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => tags.Enqueue(activity.DisplayName + " " + string.Join(" ", activity.TagObjects.Select(t => $"{t.Key}={t.Value}"))),
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        await verbose.ImportAsync(["token.holder@example.org,,T,asylum,yes,no"]);
        string id = (await verbose.PostAsync("/api/v1/supporters/find", new { email = "token.holder@example.org" }))["id"]!.GetValue<string>();
        string token = verbose.App.Services.GetRequiredService<UnsubscribeLinks>().Token(id, Supporters.Channel.Email);

        await verbose.Client.GetAsync(new Uri("/api/unsubscribe/" + token, UriKind.Relative));
        await verbose.Client.PostAsync(new Uri("/api/unsubscribe/" + token, UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" }));

        string signature = token.Split('.')[^1];
        Assert.Contains(_lines, l => l.Contains(id, StringComparison.Ordinal)); // the opt-out is logged, by supporter id
        Assert.DoesNotContain(_lines, l => l.Contains(signature, StringComparison.Ordinal));
        Assert.Contains(tags, t => t.Contains("url.path=/api/unsubscribe/{token}", StringComparison.Ordinal)); // the request was traced…
        Assert.DoesNotContain(tags, t => t.Contains(signature, StringComparison.Ordinal)); // …without its token
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, lines);

        public void Dispose()
        {
        }

        private sealed class CapturingLogger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull
            {
                lines.Enqueue($"{category} scope: {state}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                string values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join("; ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
                lines.Enqueue($"{category} {logLevel}: {formatter(state, exception)} [{values}] {exception}");
            }
        }
    }
}
