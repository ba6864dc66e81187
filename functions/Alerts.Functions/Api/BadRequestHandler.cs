using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Alerts.Api;

/// <summary>
/// A request body that cannot be read (malformed JSON, a wrong type, an unknown property) is the caller's
/// mistake: answer 400 with the offending field, never 500.
/// </summary>
internal sealed class BadRequestHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        if (httpContext.Request.Path.StartsWithSegments("/console"))
        {
            await StaffConsole.ConsolePage.RefusedAsync(httpContext, badRequest.StatusCode);
            return true;
        }

        string field = badRequest.InnerException is JsonException { Path: { Length: > 0 } path } ? JsonErrors.Field(path) : "body";
        string reason = badRequest.InnerException is JsonException json ? JsonErrors.Reason(json) : badRequest.Message;
        httpContext.Response.StatusCode = badRequest.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field.Length == 0 ? "body" : field] = [reason] })
            {
                Status = badRequest.StatusCode,
                Title = "The request body could not be read.",
            },
        });
    }
}
