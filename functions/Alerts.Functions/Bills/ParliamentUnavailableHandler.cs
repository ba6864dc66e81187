using Microsoft.AspNetCore.Diagnostics;

namespace Alerts.Bills;

/// <summary>A staff request that needed one of Parliament's APIs while it was down gets a 502 problem, not a 500.</summary>
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
                Title = "Parliament's API is unavailable",
                Detail = "The UK Parliament API this needs (Bills, or Commons Votes for a division's names) did not answer usefully. Try again in a few minutes.",
            },
        });
    }
}
