using Microsoft.Extensions.Options;

namespace Alerts.Hosting;

/// <summary>A setting the app cannot start with; the message names it.</summary>
internal sealed class ConfigurationException(string message) : Exception(message);

/// <summary>
/// What is checked before the app starts, and how a refusal is told: one line naming the setting, not a
/// stack trace.
/// </summary>
internal static class StartupChecks
{
    private const string KeyVaultReference = "@Microsoft.KeyVault(";

    /// <summary>Refuses unresolved Key Vault references now, and leaves telling other refusals to <see cref="Explain"/>.</summary>
    public static void Apply(IHostApplicationBuilder builder)
    {
        ThrowIfUnresolvedKeyVaultReferences(builder.Configuration);

        // The host logs a failed start with its whole stack trace; Program prints the reason in one line instead
        // (and a failure that is a bug is rethrown, trace and all).
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
    }

    /// <summary>
    /// In Azure an app setting that refers to Key Vault arrives as the literal reference when the app cannot
    /// read the vault. Whatever the setting, that is never a value to run with (a Twilio token of
    /// "@Microsoft.KeyVault(...)" would sign webhooks anyone can forge).
    /// </summary>
    internal static void ThrowIfUnresolvedKeyVaultReferences(IConfiguration configuration)
    {
        string[] unresolved = [.. configuration.AsEnumerable()
            .Where(setting => setting.Value?.TrimStart().StartsWith(KeyVaultReference, StringComparison.OrdinalIgnoreCase) == true)
            .Select(setting => setting.Key.Replace(":", "__", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];
        if (unresolved.Length > 0)
        {
            throw new ConfigurationException(
                $"{string.Join(", ", unresolved)} {(unresolved.Length == 1 ? "is an unresolved Key Vault reference" : "are unresolved Key Vault references")}: check the app's identity can read the vault.");
        }
    }

    /// <summary>The one line to print for a failure to start, or null for a failure that is a bug (let it crash with its trace).</summary>
    public static string? Explain(Exception exception) => exception switch
    {
        OptionsValidationException options => string.Join(" ", options.Failures),
        ConfigurationException configuration => configuration.Message,
        AggregateException aggregate when aggregate.InnerExceptions.Select(Explain).ToList() is var reasons && reasons.All(r => r is not null)
            => string.Join(" ", reasons),
        _ => null,
    };
}
