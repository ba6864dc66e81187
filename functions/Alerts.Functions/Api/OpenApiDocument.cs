using Alerts.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Alerts.Api;

/// <summary>
/// The staff API's OpenAPI document, generated from the endpoints themselves at
/// <c>/api/v1/openapi.json</c> (inside the StaffApi function's route, anonymous: the API's shape is public,
/// like its source). Each operation says which scope it needs. In Development a browsable reference is at
/// <c>/scalar/v1</c>.
/// </summary>
internal static class OpenApiDocument
{
    public const string Route = "/api/v1/openapi.json";

    /// <summary>The extension on each operation that names its scope.</summary>
    public const string ScopeExtension = "x-alerts-scope";

    public static IServiceCollection AddStaffApiDocument(this IServiceCollection services) =>
        services.AddOpenApi("v1", options =>
        {
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/v1", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Alerts staff API",
                    Version = "v1",
                    Description = "Watch bills, keep supporters, and draft, approve and send action alerts. Send a staff key as X-Api-Key "
                                  + "(or an Entra ID bearer token). Each operation needs one scope: read, write or send.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().LastOrDefault()?.Policy is { } scope
                    && StaffScopes.All.Contains(scope))
                {
                    operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
                    operation.Extensions[ScopeExtension] = new JsonNodeExtension(System.Text.Json.Nodes.JsonValue.Create(scope));
                    operation.Description = $"Needs the {scope} scope." + (operation.Description is { Length: > 0 } more ? " " + more : "");
                }

                return Task.CompletedTask;
            });
        });

    public static IEndpointRouteBuilder MapStaffApiDocument(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi(Route).AllowAnonymous();
        if (app.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            app.MapScalarApiReference(options => options.WithOpenApiRoutePattern(Route).WithTitle("Alerts staff API"));
        }

        return app;
    }
}
