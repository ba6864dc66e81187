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
                    context.Principal!.AddIdentity(new ClaimsIdentity(StaffClaims(context.Principal, entra), SchemeName));
                    return Task.CompletedTask;
                },
            };
        });
    }

    /// <summary>
    /// Who an Entra token names, as staff: <c>entra:{object id}</c>, their display name, and the scope claims an
    /// API key carries for each app role they hold (the API's bearer tokens and the console's sign-in alike).
    /// </summary>
    public static IEnumerable<Claim> StaffClaims(ClaimsPrincipal token, EntraOptions entra)
    {
        var roles = token.FindAll("roles").Select(r => r.Value).ToHashSet(StringComparer.Ordinal);
        string who = token.FindFirstValue("oid") ?? token.FindFirstValue("sub") ?? "entra";
        yield return new Claim(ClaimTypes.NameIdentifier, "entra:" + who);
        yield return new Claim(ClaimTypes.Name, token.FindFirstValue("name") ?? token.FindFirstValue("preferred_username") ?? "Entra user");
        foreach ((string role, string scope) in new[] { (entra.ReadRole, StaffScopes.Read), (entra.WriteRole, StaffScopes.Write), (entra.SendRole, StaffScopes.Send) })
        {
            if (roles.Contains(role))
            {
                yield return new Claim(ApiKeyAuthenticationHandler.ScopeClaim, scope);
            }
        }
    }
}
