using Alerts.Messages;
using Alerts.Dispatch;
using Alerts.Campaigns;
using Alerts.Segments;
using Alerts.Rules;
using Alerts.Channels;
using Alerts.Api;
using Alerts.Bills;
using Alerts.Hosting;
using Alerts.Security;
using Alerts.Storage;
using Alerts.Supporters;
using Alerts.Triggers;
using Alerts.Webhooks;

if (ApiKeyCommands.IsHelp(args))
{
    Console.WriteLine(ApiKeyCommands.Usage);
    return 0;
}

try
{
    // The app's own folder is its content root, so appsettings*.json are found wherever it is started from.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    StartupChecks.Apply(builder);    // unresolved Key Vault references refused; a refusal is one line naming the setting

    // Listen on 127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT under the Functions host; ASP.NET Core's defaults otherwise.
    builder.WebHost.UseFunctionsCustomHandlerPort();

    builder.Services.AddSingleton(TimeProvider.System);
    builder.AddHttpApi();            // problem details, strict JSON, field-level errors for unreadable bodies
    builder.AddTelemetry();          // OpenTelemetry; Azure Monitor when APPLICATIONINSIGHTS_CONNECTION_STRING is set; no URLs with tokens in logs
    builder.AddStorage();            // tables and queues from AzureWebJobsStorage, created before the local runner starts
    builder.AddFunctionHosting();    // function.json catalogue, invocation handlers, local trigger runner
    // The pipeline, in order (docs/architecture.md, "Where things are"):
    builder.AddBills();              // watch bills in Parliament → bill events, each once
    builder.AddRules();              // bill event → campaign, by the rules staff set
    builder.AddSupporters();         // supporters, consent, suppression, postcode to MP
    builder.AddSegments();           // who a campaign goes to
    builder.AddCampaigns();          // drafts, approval, state changes, previews, reports
    builder.AddDispatch();           // plan → batches on the queue → the delivery ledger
    builder.AddMessages();           // placeholders and the one renderer
    builder.AddChannels();           // SendGrid, Twilio, or the local outbox
    builder.AddWebhooks();           // provider callbacks and opt-outs: back into the ledger and the suppression list
    builder.AddStaffAuthorization(); // staff API keys with read, write and send scopes; the audit log

    var app = builder.Build();

    if (await ApiKeyCommands.TryRunAsync(app, args) is { } exitCode) // `create-api-key` and `revoke-api-key`, then exit
    {
        return exitCode;
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
    app.MapStaffApiDocument();    // /api/v1/openapi.json   (the staff API described; Scalar at /scalar/v1 in Development)
    app.MapWebhooks();            // /api/hooks/...         (Webhooks function, anonymous, signature-verified)
    app.MapUnsubscribe();         // /api/unsubscribe/...   (Unsubscribe function, anonymous, signed token)

    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (StartupChecks.Explain(ex) is { } reason)
{
    // A setting is missing or wrong: say which, in one line, rather than a stack trace.
    Console.Error.WriteLine("Alerts cannot start: " + reason);
    return 1;
}

public partial class Program;
