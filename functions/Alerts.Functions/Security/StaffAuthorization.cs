using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace Alerts.Security;

/// <summary>Marks a staff endpoint as needing a scope other than the default for its method.</summary>
internal sealed record StaffScopeMetadata(string Scope);

internal static class StaffAuthorization
{
    public static IHostApplicationBuilder AddStaffAuthorization(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddSingleton<Audit.AuditLog>();
        builder.Services.AddOptions<EntraOptions>().BindConfiguration(EntraOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<EntraOptions>, EntraOptionsValidator>();
        builder.Services.AddAuthentication(EntraAuthentication.StaffScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddStaffSchemes(builder.Configuration);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(StaffScopes.Read, p => p.RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, StaffScopes.Read))
            .AddPolicy(StaffScopes.Write, p => p.RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, StaffScopes.Write))
            .AddPolicy(StaffScopes.Send, p => p.RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, StaffScopes.Send));
        return builder;
    }

    /// <summary>Whether the signed-in staff member holds a scope (for a decision that depends on the request, not the route).</summary>
    public static bool HasStaffScope(this ClaimsPrincipal user, string scope) => user.HasClaim(ApiKeyAuthenticationHandler.ScopeClaim, scope);

    /// <summary>The approve-and-send scope, for the endpoints that start or stop sending.</summary>
    public static RouteHandlerBuilder RequiresSendScope(this RouteHandlerBuilder endpoint) =>
        endpoint.WithMetadata(new StaffScopeMetadata(StaffScopes.Send));

    /// <summary>
    /// Every staff endpoint requires one scope: send where marked, read for GET, write otherwise. Applied
    /// last, so an endpoint added later is covered without anyone remembering to. <paramref name="scheme"/>
    /// is how the person is known (the API's key or token by default; the console's session cookie).
    /// </summary>
    public static RouteGroupBuilder RequireStaffScopes(this RouteGroupBuilder group, string? scheme = null)
    {
        ((IEndpointConventionBuilder)group).Finally(endpoint =>
        {
            string scope = endpoint.Metadata.OfType<StaffScopeMetadata>().LastOrDefault()?.Scope
                ?? (endpoint.Metadata.OfType<HttpMethodMetadata>().All(m => m.HttpMethods.All(h => h is "GET" or "HEAD")) ? StaffScopes.Read : StaffScopes.Write);
            endpoint.Metadata.Add(new Microsoft.AspNetCore.Authorization.AuthorizeAttribute(scope) { AuthenticationSchemes = scheme });
        });
        return group;
    }
}
