using Alerts;
using Alerts.Alerting;
using Alerts.Api;
using Alerts.Bills;
using Alerts.Security;
using Alerts.Hosting;
using Alerts.Storage;
using Alerts.Supporters;
using Alerts.Triggers;
using Alerts.Webhooks;

var builder = WebApplication.CreateBuilder(args);

// Listen on 127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT under the Functions host; ASP.NET Core's defaults otherwise.
builder.WebHost.UseFunctionsCustomHandlerPort();

builder.Services.AddProblemDetails();
builder.Services.AddValidation();
builder.Services.AddExceptionHandler<BadRequestHandler>(); // unreadable bodies: 400 naming the field, in every environment
builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(routing => routing.ThrowOnBadRequest = true);
// Staff requests with properties we do not know are rejected rather than half-applied.
builder.Services.ConfigureHttpJsonOptions(json =>
{
    json.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
    json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
});
builder.Services.AddSingleton(TimeProvider.System);
builder.AddFunctionHosting(); // function.json catalogue, invocation handlers, local trigger runner
builder.AddStorage();         // tables and queues from AzureWebJobsStorage
builder.AddBills();           // Parliament Bills API client, watch list, change detection
builder.AddSupporters();      // supporters, consent, suppression, segments, postcode to MP
builder.AddAlerting();        // campaigns, alert rules, dispatch through SendGrid, Twilio or the local outbox

builder.AddWebhooks();        // SendGrid and Twilio callbacks, one-click unsubscribe
builder.AddStaffAuthorization(); // staff API keys with read, write and send scopes

var app = builder.Build();

if (await ApiKeyCommands.TryRunAsync(app, args)) // `create-api-key` and `revoke-api-key`, then exit
{
    return;
}

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();

app.MapGet("/", () => "Alerts is running.").ExcludeFromDescription(); // the host's readiness probe
app.MapHealth();              // GET /api/health        (Health function, anonymous)
app.MapWatchBillsTrigger();   // POST /WatchBills       (timer, from the host or the local runner)
app.MapDispatchBatchTrigger(); // POST /DispatchBatch   (queue, from the host or the local runner)
app.MapStartScheduledCampaignsTrigger(); // POST /StartScheduledCampaigns (timer, every minute)
app.MapStaffApi();            // /api/v1/...            (StaffApi function, function key)
app.MapWebhooks();            // /api/hooks/...         (Webhooks function, anonymous, signature-verified)
app.MapUnsubscribe();         // /api/unsubscribe/...   (Unsubscribe function, anonymous, signed token)

app.Run();

public partial class Program;
