using System.Net;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Alerts.Bills;

internal static class BillsRegistration
{
    public static IHostApplicationBuilder AddBills(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ParliamentOptions>()
            .BindConfiguration(ParliamentOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddHttpClient<ParliamentBillsClient>((services, http) =>
            {
                http.BaseAddress = services.GetRequiredService<IOptions<ParliamentOptions>>().Value.BillsBaseAddress;
                http.DefaultRequestHeaders.UserAgent.ParseAdd("Alerts/1.0 (bill watcher for UK charities; +https://github.com/alerts-uk/alerts)");
                http.DefaultRequestVersion = HttpVersion.Version11;
            })
            // GETs only, so retrying 5xx and timeouts is safe. Tunable under Parliament:Resilience.
            .AddStandardResilienceHandler(resilience =>
                builder.Configuration.GetSection(ParliamentOptions.SectionName + ":Resilience").Bind(resilience));

        builder.Services.AddSingleton<BillStore>();
        builder.Services.AddSingleton<BillWatcher>();
        builder.Services.AddExceptionHandler<ParliamentUnavailableHandler>();
        return builder;
    }
}

/// <summary>A staff request that needed Parliament while it was down gets a 502 problem, not a 500.</summary>
internal sealed class ParliamentUnavailableHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not ParliamentApiException)
        {
            return false;
        }

        httpContext.Response.StatusCode = StatusCodes.Status502BadGateway;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status502BadGateway,
                Title = "Parliament's Bills API is unavailable",
                Detail = "The UK Parliament Bills API did not answer usefully. Try again in a few minutes.",
            },
        });
    }
}
