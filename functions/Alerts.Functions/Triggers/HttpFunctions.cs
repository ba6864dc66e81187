using Alerts.Api;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Triggers;

/// <summary>
/// The HTTP functions, under the Functions host: catch-alls that hand each request to the app's own
/// endpoints (<see cref="AppEndpoints"/>), so every endpoint is written once and served the same way with
/// or without the host. The host checks the function key of StaffApi before the request arrives; the app
/// then checks the staff key and its scope as it does standalone. host.json's route prefix is empty, so each
/// route is the app's own path: /api/... for the API and its callbacks, /console/... for the console.
/// </summary>
internal sealed class HttpFunctions(AppEndpoints endpoints)
{
    [Function("StaffApi")]
    public IResult StaffApi(
        [HttpTrigger(AuthorizationLevel.Function, "get", "post", "put", "patch", "delete", Route = "api/v1/{*path}")] HttpRequest request) =>
        endpoints.Serve();

    [Function("Webhooks")]
    public IResult Webhooks([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/hooks/{*path}")] HttpRequest request) =>
        endpoints.Serve();

    [Function("Unsubscribe")]
    public IResult Unsubscribe([HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "api/unsubscribe/{*path}")] HttpRequest request) =>
        endpoints.Serve();

    /// <summary>The staff console: anonymous to the host; the app signs staff in with its own session cookie.</summary>
    [Function("Console")]
    public IResult Console([HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "console/{*path}")] HttpRequest request) =>
        endpoints.Serve();

    [Function("Health")]
    public IResult Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest request) =>
        endpoints.Serve();
}
