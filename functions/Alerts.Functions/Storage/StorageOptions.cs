using Microsoft.Extensions.Options;

namespace Alerts.Storage;

/// <summary>
/// Where the app's tables and queues live: the function app's own storage, configured the way every
/// function app configures it (<c>AzureWebJobsStorage</c>), either as a connection string or in the
/// identity-based form (<c>AzureWebJobsStorage__accountName</c>, or <c>__tableServiceUri</c> and
/// <c>__queueServiceUri</c>, with <c>__clientId</c> for a user-assigned identity).
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = "AzureWebJobsStorage";

    public string? ConnectionString { get; set; }

    public string? AccountName { get; set; }

    public Uri? TableServiceUri { get; set; }

    public Uri? QueueServiceUri { get; set; }

    public string? ClientId { get; set; }

    /// <summary>
    /// Prepended to every table and queue name (<c>Storage__NamePrefix</c>). For tests and side-by-side local
    /// runs only: the Functions host reads queue names from function.json, so it must be empty under the host.
    /// </summary>
    public string NamePrefix { get; set; } = string.Empty;

    public bool UsesConnectionString => !string.IsNullOrWhiteSpace(ConnectionString);

    public Uri ResolveTableServiceUri() => TableServiceUri ?? new Uri($"https://{AccountName}.table.core.windows.net");

    public Uri ResolveQueueServiceUri() => QueueServiceUri ?? new Uri($"https://{AccountName}.queue.core.windows.net");

    internal static void Bind(StorageOptions options, IConfiguration configuration)
    {
        IConfigurationSection section = configuration.GetSection(SectionName);
        options.ConnectionString = section.Value;
        options.AccountName = section["accountName"];
        options.TableServiceUri = ParseUri(section["tableServiceUri"]);
        options.QueueServiceUri = ParseUri(section["queueServiceUri"]);
        options.ClientId = section["clientId"];
        options.NamePrefix = configuration["Storage:NamePrefix"] ?? string.Empty;
    }

    private static Uri? ParseUri(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null
        : Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) ? uri
        : throw new OptionsValidationException(SectionName, typeof(StorageOptions),
            [$"AzureWebJobsStorage: '{value}' is not an absolute URI."]);
}

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        if (options.UsesConnectionString)
        {
            if (!LooksLikeConnectionString(options.ConnectionString!))
            {
                failures.Add("AzureWebJobsStorage is not a storage connection string (expected 'UseDevelopmentStorage=true' or 'AccountName=…;AccountKey=…' with endpoints).");
            }
        }
        else if (string.IsNullOrWhiteSpace(options.AccountName)
                 && (options.TableServiceUri is null || options.QueueServiceUri is null))
        {
            failures.Add("Storage is not configured: set AzureWebJobsStorage to a connection string ('UseDevelopmentStorage=true' for Azurite), "
                         + "or AzureWebJobsStorage__accountName, or both AzureWebJobsStorage__tableServiceUri and AzureWebJobsStorage__queueServiceUri.");
        }

        if (options.NamePrefix.Length > 0 && !IsValidPrefix(options.NamePrefix))
        {
            failures.Add("Storage:NamePrefix must start with a lower-case letter and hold only lower-case letters and digits (at most 20).");
        }

        if (options.NamePrefix.Length > 0 && CustomHandlerHosting.RunsUnderFunctionsHost)
        {
            failures.Add("Storage:NamePrefix must be empty under the Functions host, which takes queue names from function.json as they are.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool LooksLikeConnectionString(string value)
    {
        var parts = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        if (parts.TryGetValue("UseDevelopmentStorage", out string? dev))
        {
            return string.Equals(dev, "true", StringComparison.OrdinalIgnoreCase);
        }

        return parts.ContainsKey("AccountName") && (parts.ContainsKey("AccountKey") || parts.ContainsKey("SharedAccessSignature"));
    }

    private static bool IsValidPrefix(string prefix) =>
        prefix.Length <= 20 && char.IsAsciiLetterLower(prefix[0]) && prefix.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c));
}
