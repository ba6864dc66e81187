using Alerts.Hosting;
using Microsoft.Extensions.Options;

namespace Alerts.Storage;

internal sealed class StorageOptionsValidator(HostingMode hosting) : IValidateOptions<StorageOptions>
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

        if (options.NamePrefix.Length > 0 && hosting.UnderFunctionsHost)
        {
            failures.Add("Storage:NamePrefix must be empty under the Functions host, whose queue trigger reads the dispatch queue by its own name.");
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
