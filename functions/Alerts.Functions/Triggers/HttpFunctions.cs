using Alerts.Api;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Triggers;

/// <summary>
/// The HTTP functions, under the Functions host: catch-alls that hand each request to the app's own
/// endpoints (<see cref="AppEndpoints"/>), so every endpoint is written once and served the same way with
/// or without the host. The host checks the function key of StaffApi before the request arrives; the app
/// then checks the staff key and its scope as it does standalone.
/// </summary>
internal sealed class HttpFunctions(AppEndpoints endpoints)
{
    [Function("StaffApi")]
    public IResult StaffApi(
        [HttpTrigger(AuthorizationLevel.Function, "get", "post", "put", "patch", "delete", Route = "v1/{*path}")] HttpRequest request) =>
        endpoints.Serve();

    [Function("Webhooks")]
    public IResult Webhooks([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "hooks/{*path}")] HttpRequest request) =>
        endpoints.Serve();

    [Function("Unsubscribe")]
    public IResult Unsubscribe([HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "unsubscribe/{*path}")] HttpRequest request) =>
        endpoints.Serve();

    [Function("Health")]
    public IResult Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request) =>
        endpoints.Serve();
}
