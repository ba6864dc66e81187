namespace Alerts.Api;

/// <summary>
/// Under the Functions host, the worker's ASP.NET Core integration has a fixed pipeline whose only endpoints
/// are the HTTP functions (every request must be a host invocation), so ordinary endpoints cannot sit beside
/// them. Each HTTP function is a catch-all that returns <see cref="Serve"/>, which runs the app's own
/// pipeline (routing, <see cref="AppPipeline"/>'s middleware and endpoints) on the same request.
/// </summary>
internal sealed class AppEndpoints(IServiceProvider services)
{
    private readonly Lazy<RequestDelegate> _pipeline = new(() =>
    {
        var app = new ApplicationBuilder(services);
        app.UseRouting();
        app.UseAlertsMiddleware();
        app.UseEndpoints(endpoints => endpoints.MapAlertsEndpoints());
        return app.Build();
    });

    public IResult Serve() => new Inner(_pipeline.Value);

    private sealed class Inner(RequestDelegate pipeline) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            // The outer routing chose the function's endpoint and route values; left in place, the inner
            // routing would keep the function's endpoint and run it again, and the invocation fails
            // ("…transition a task to a final state when it had already completed").
            httpContext.SetEndpoint(null);
            httpContext.Request.RouteValues.Clear();
            return pipeline(httpContext);
        }
    }
}
