using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication;

namespace Alerts.Security;

internal static class EntraAuthentication
{
    public const string SchemeName = "Entra";
    public const string StaffScheme = "Staff";

    /// <summary>
    /// Adds the Entra bearer scheme when configured, and a "Staff" scheme that picks it for
    /// <c>Authorization: Bearer …</c> and the API-key scheme otherwise.
    /// </summary>
    public static AuthenticationBuilder AddStaffSchemes(this AuthenticationBuilder authentication, IConfiguration configuration)
    {
        EntraOptions entra = configuration.GetSection(EntraOptions.SectionName).Get<EntraOptions>() ?? new EntraOptions();
        authentication.AddPolicyScheme(StaffScheme, StaffScheme, scheme => scheme.ForwardDefaultSelector = context =>
            entra.IsConfigured && context.Request.Headers.Authorization.FirstOrDefault()?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true
                ? SchemeName
                : ApiKeyAuthenticationHandler.SchemeName);
        if (!entra.IsConfigured)
        {
            return authentication;
        }

        return authentication.AddJwtBearer(SchemeName, bearer =>
        {
            bearer.Authority = entra.Authority;
            bearer.Audience = entra.Audience;
            bearer.MapInboundClaims = false;
            bearer.Events = new JwtBearerEvents
            {
                OnTokenValidated = context =>
                {
                    // App roles become the same scope claims an API key carries.
                    var roles = context.Principal!.FindAll("roles").Select(r => r.Value).ToHashSet(StringComparer.Ordinal);
                    var scopes = new[] { (entra.ReadRole, StaffScopes.Read), (entra.WriteRole, StaffScopes.Write), (entra.SendRole, StaffScopes.Send) }
                        .Where(map => roles.Contains(map.Item1)).Select(map => new Claim(ApiKeyAuthenticationHandler.ScopeClaim, map.Item2));
                    string who = context.Principal!.FindFirstValue("oid") ?? context.Principal.FindFirstValue("sub") ?? "entra";
                    context.Principal.AddIdentity(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "entra:" + who), .. scopes], SchemeName));
                    return Task.CompletedTask;
                },
            };
        });
    }
}
