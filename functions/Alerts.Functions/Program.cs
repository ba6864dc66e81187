using Alerts.Api;
using Alerts.Bills;
using Alerts.Campaigns;
using Alerts.Channels;
using Alerts.Dispatch;
using Alerts.Divisions;
using Alerts.Hosting;
using Alerts.Messages;
using Alerts.Rules;
using Alerts.Security;
using Alerts.Segments;
using Alerts.StaffConsole;
using Alerts.Storage;
using Alerts.Supporters;
using Alerts.Triggers;
using Alerts.Webhooks;
using Microsoft.Azure.Functions.Worker.Builder;

if (ApiKeyCommands.IsHelp(args))
{
    Console.WriteLine(ApiKeyCommands.Usage);
    return 0;
}

try
{
    if (HostingMode.IsFunctionsHost(args))
    {
        // Under the Functions host: the isolated worker. The host fires the timers, reads the dispatch queue
        // and forwards HTTP requests to the [Function]s in Triggers/, which call the same services.
        FunctionsApplicationBuilder worker = FunctionsApplication.CreateBuilder(args);
        worker.ConfigureFunctionsWebApplication();
        AddAlerts(worker, new HostingMode(UnderFunctionsHost: true));
        worker.Services.AddSingleton<AppEndpoints>(); // the HTTP functions run the app's endpoints through it
        await worker.Build().RunAsync();
        return 0;
    }

    // On its own (a laptop, a VM, the tests): a web app, with the local trigger runner standing in for the host.
    // The app's own folder is its content root, so appsettings*.json are found wherever it is started from.
    WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    AddAlerts(builder, new HostingMode(UnderFunctionsHost: false));
    builder.Services.AddHostedService<LocalTriggerRunner>(); // timers on their schedules, the dispatch queue polled

    WebApplication app = builder.Build();
    if (await ApiKeyCommands.TryRunAsync(app, args) is { } exitCode) // `create-api-key` and `revoke-api-key`, then exit
    {
        return exitCode;
    }

    app.UseAlertsMiddleware();
    app.MapAlertsEndpoints();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (StartupChecks.Explain(ex) is { } reason)
{
    // A setting is missing or wrong: say which, in one line, rather than a stack trace.
    Console.Error.WriteLine("Alerts cannot start: " + reason);
    return 1;
}

// Everything the app is, the same however it is hosted.
static void AddAlerts(IHostApplicationBuilder builder, HostingMode hosting)
{
    StartupChecks.Apply(builder);    // unresolved Key Vault references refused; a refusal is one line naming the setting
    builder.Services.AddSingleton(hosting);
    builder.Services.AddSingleton(TimeProvider.System);
    builder.AddHttpApi();            // problem details, strict JSON, field-level errors for unreadable bodies
    builder.AddTelemetry(hosting);   // OpenTelemetry (through the Functions worker's under the host); Azure Monitor when configured
    builder.AddStorage();            // tables and queues from AzureWebJobsStorage; host.json's queue settings
    // The pipeline, in order (docs/architecture.md, "Where things are"):
    builder.AddBills();              // watch bills in Parliament → bill events, each once
    builder.AddDivisions();          // watch Commons and Lords divisions → staff link one to a bill → a bill event
    builder.AddRules();              // bill event → campaign, by the rules staff set
    builder.AddSupporters();         // supporters, consent, suppression, postcode to MP
    builder.AddSegments();           // who a campaign goes to
    builder.AddCampaigns();          // drafts, approval, state changes, previews, reports
    builder.AddDispatch();           // plan → batches on the queue → the delivery ledger
    builder.AddMessages();           // placeholders and the one renderer
    builder.AddChannels();           // SendGrid, Twilio, or the local outbox
    builder.AddWebhooks();           // provider callbacks and opt-outs: back into the ledger and the suppression list
    builder.AddStaffAuthorization(); // staff API keys with read, write and send scopes; the audit log
    builder.AddStaffConsole();       // the same, in a browser: pages at /console, signed in with a staff key
}

public partial class Program;
