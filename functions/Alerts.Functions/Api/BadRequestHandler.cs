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
            long limit = httpContext.GetEndpoint()?.Metadata.GetMetadata<RequestBodyLimit>()?.Bytes ?? StaffRequestLimits.MaxBodyBytes;
            await StaffConsole.ConsolePage.RefusedAsync(httpContext, badRequest.StatusCode,
                badRequest.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Too large to take" : "The form could not be read",
                badRequest.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? $"What you sent is larger than this page takes ({StaffRequestLimits.TooLarge(limit)}). For an import, split the file and import each part."
                    : "Reload the page and try again.");
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
