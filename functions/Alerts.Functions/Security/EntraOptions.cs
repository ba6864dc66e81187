using Microsoft.Extensions.Options;

namespace Alerts.Security;

/// <summary>
/// Optional Microsoft Entra ID sign-in for staff, whose app roles map to the same scopes as API keys: bearer
/// tokens for this API (with <c>Entra__Audience</c>), and signing in to the console with a Microsoft account
/// (with <c>Entra__ClientId</c>). Off unless <c>Entra__Authority</c> is set with either.
/// </summary>
public sealed class EntraOptions
{
    public const string SectionName = "Entra";

    /// <summary>The tenant's authority, e.g. https://login.microsoftonline.com/{tenant id}/v2.0.</summary>
    public string? Authority { get; set; }

    /// <summary>The API's application ID URI or client id, as tokens carry it in <c>aud</c>.</summary>
    public string? Audience { get; set; }

    /// <summary>The app registration's client id (a GUID): staff sign in to the console with OpenID Connect.</summary>
    public string? ClientId { get; set; }

    public string ReadRole { get; set; } = "Alerts.Read";

    public string WriteRole { get; set; } = "Alerts.Write";

    public string SendRole { get; set; } = "Alerts.Send";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(Audience);

    /// <summary>Console sign-in with a Microsoft account is on.</summary>
    public bool ConsoleSignIn => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(ClientId);
}

internal sealed class EntraOptionsValidator : IValidateOptions<EntraOptions>
{
    public ValidateOptionsResult Validate(string? name, EntraOptions options)
    {
        bool authority = !string.IsNullOrWhiteSpace(options.Authority), audience = !string.IsNullOrWhiteSpace(options.Audience),
            client = !string.IsNullOrWhiteSpace(options.ClientId);
        if (authority != (audience || client))
        {
            return ValidateOptionsResult.Fail(authority
                ? "Entra:Authority needs Entra:Audience (for API tokens), Entra:ClientId (for console sign-in), or both."
                : "Entra:Audience and Entra:ClientId need Entra:Authority: set it to sign staff in with Entra ID, or none of them.");
        }

        if (client && !Guid.TryParse(options.ClientId, out _))
        {
            return ValidateOptionsResult.Fail("Entra:ClientId must be the app registration's client id, a GUID.");
        }

        return authority && !(Uri.TryCreate(options.Authority, UriKind.Absolute, out Uri? uri) && uri.Scheme == Uri.UriSchemeHttps)
            ? ValidateOptionsResult.Fail("Entra:Authority must be the tenant's https URL, e.g. https://login.microsoftonline.com/<tenant id>/v2.0.")
            : ValidateOptionsResult.Success;
    }
}
