using Azure.Data.Tables;
using Azure.Identity;
using Alerts.Hosting;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Alerts.Storage;

internal static class StorageRegistration
{
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>()
            .Configure<IConfiguration>(StorageOptions.Bind)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();

        builder.Services.AddSingleton(services =>
        {
            StorageOptions options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
            return options.UsesConnectionString
                ? new TableServiceClient(options.ConnectionString)
                : new TableServiceClient(options.ResolveTableServiceUri(), Credential(options));
        });
        builder.Services.AddSingleton(services =>
        {
            StorageOptions options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
            // Base64 is the Functions host's default queue message encoding (host.json extensions.queues).
            var clientOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
            return options.UsesConnectionString
                ? new QueueServiceClient(options.ConnectionString, clientOptions)
                : new QueueServiceClient(options.ResolveQueueServiceUri(), Credential(options), clientOptions);
        });
        builder.Services.AddSingleton(_ => QueueSettings.Read()); // host.json's extensions.queues, as the host applies them
        builder.Services.AddSingleton<AlertsStorage>();
        builder.Services.AddHostedService<StorageInitializer>();
        return builder;
    }

    private static DefaultAzureCredential Credential(StorageOptions options) =>
        new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = options.ClientId });
}
