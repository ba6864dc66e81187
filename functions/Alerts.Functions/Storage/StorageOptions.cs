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
    /// runs only: the Functions host reads the dispatch queue by the name in its trigger attribute, so it must be empty under the host.
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
