using Microsoft.Extensions.Options;

namespace Alerts.Security;

/// <summary>
/// Optional Microsoft Entra ID sign-in for staff: bearer tokens for this API whose app roles map to the
/// same scopes as API keys. Off unless <c>Entra__Authority</c> and <c>Entra__Audience</c> are set.
/// </summary>
public sealed class EntraOptions
{
    public const string SectionName = "Entra";

    /// <summary>The tenant's authority, e.g. https://login.microsoftonline.com/{tenant id}/v2.0.</summary>
    public string? Authority { get; set; }

    /// <summary>The API's application ID URI or client id, as tokens carry it in <c>aud</c>.</summary>
    public string? Audience { get; set; }

    public string ReadRole { get; set; } = "Alerts.Read";

    public string WriteRole { get; set; } = "Alerts.Write";

    public string SendRole { get; set; } = "Alerts.Send";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(Audience);
}

internal sealed class EntraOptionsValidator : IValidateOptions<EntraOptions>
{
    public ValidateOptionsResult Validate(string? name, EntraOptions options)
    {
        bool authority = !string.IsNullOrWhiteSpace(options.Authority), audience = !string.IsNullOrWhiteSpace(options.Audience);
        if (authority != audience)
        {
            return ValidateOptionsResult.Fail("Entra:Authority and Entra:Audience go together: set both to sign staff in with Entra ID, or neither.");
        }

        return authority && !(Uri.TryCreate(options.Authority, UriKind.Absolute, out Uri? uri) && uri.Scheme == Uri.UriSchemeHttps)
            ? ValidateOptionsResult.Fail("Entra:Authority must be the tenant's https URL, e.g. https://login.microsoftonline.com/<tenant id>/v2.0.")
            : ValidateOptionsResult.Success;
    }
}
