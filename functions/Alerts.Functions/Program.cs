using Alerts;
using Alerts.Alerting;
using Alerts.Api;
using Alerts.Bills;
using Alerts.Hosting;
using Alerts.Security;
using Alerts.Storage;
using Alerts.Supporters;
using Alerts.Triggers;
using Alerts.Webhooks;

var builder = WebApplication.CreateBuilder(args);

// Listen on 127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT under the Functions host; ASP.NET Core's defaults otherwise.
builder.WebHost.UseFunctionsCustomHandlerPort();

builder.Services.AddSingleton(TimeProvider.System);
builder.AddHttpApi();            // problem details, strict JSON, field-level errors for unreadable bodies
builder.AddTelemetry();          // OpenTelemetry; Azure Monitor when APPLICATIONINSIGHTS_CONNECTION_STRING is set
builder.AddStorage();            // tables and queues from AzureWebJobsStorage, created before the local runner starts
builder.AddFunctionHosting();    // function.json catalogue, invocation handlers, local trigger runner
builder.AddBills();              // Parliament Bills API client, watch list, change detection
builder.AddSupporters();         // supporters, consent, suppression, segments, postcode to MP
builder.AddAlerting();           // campaigns, alert rules, dispatch through SendGrid, Twilio or the local outbox
builder.AddWebhooks();           // SendGrid and Twilio callbacks, one-click unsubscribe
builder.AddStaffAuthorization(); // staff API keys with read, write and send scopes; the audit log

var app = builder.Build();

if (await ApiKeyCommands.TryRunAsync(app, args)) // `create-api-key` and `revoke-api-key`, then exit
{
    return;
}

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseStaffRequestLimits();   // 413 for oversize bodies, 415 for an unreadable Content-Type
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();

app.MapGet("/", () => "Alerts is running.").ExcludeFromDescription(); // the host's readiness probe
app.MapHealth();              // GET /api/health        (Health function, anonymous)
app.MapWatchBillsTrigger();   // POST /WatchBills       (timer, from the host or the local runner)
app.MapDispatchBatchTrigger(); // POST /DispatchBatch   (queue, from the host or the local runner)
app.MapStartScheduledCampaignsTrigger(); // POST /StartScheduledCampaigns (timer, every minute)
app.MapEnrichPendingSupportersTrigger(); // POST /EnrichPendingSupporters (timer, every 15 minutes)
app.MapStaffApi();            // /api/v1/...            (StaffApi function, function key)
app.MapWebhooks();            // /api/hooks/...         (Webhooks function, anonymous, signature-verified)
app.MapUnsubscribe();         // /api/unsubscribe/...   (Unsubscribe function, anonymous, signed token)

app.Run();

public partial class Program;
