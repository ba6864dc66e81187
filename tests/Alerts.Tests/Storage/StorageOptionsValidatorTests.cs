using Alerts.Hosting;
using Microsoft.Extensions.Options;

namespace Alerts.Storage;

public sealed class StorageOptionsValidatorTests
{
    private static readonly StorageOptionsValidator Validator = new(new HostingMode(UnderFunctionsHost: false));

    [Theory]
    [InlineData("UseDevelopmentStorage=true")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=alerts;AccountKey=a2V5;EndpointSuffix=core.windows.net")]
    public void Validate_ConnectionString_Succeeds(string connectionString)
    {
        Assert.True(Validator.Validate(null, new StorageOptions { ConnectionString = connectionString }).Succeeded);
    }

    [Fact]
    public void Validate_AccountNameOnly_Succeeds()
    {
        var options = new StorageOptions { AccountName = "stalerts" };

        Assert.True(Validator.Validate(null, options).Succeeded);
        Assert.Equal(new Uri("https://stalerts.table.core.windows.net"), options.ResolveTableServiceUri());
        Assert.Equal(new Uri("https://stalerts.queue.core.windows.net"), options.ResolveQueueServiceUri());
    }

    [Fact]
    public void Validate_ServiceUris_Succeeds()
    {
        var options = new StorageOptions
        {
            TableServiceUri = new Uri("https://stalerts.table.core.windows.net"),
            QueueServiceUri = new Uri("https://stalerts.queue.core.windows.net"),
        };

        Assert.True(Validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_NothingConfigured_SaysWhatToSet()
    {
        var result = Validator.Validate(null, new StorageOptions());

        Assert.True(result.Failed);
        Assert.Contains("AzureWebJobsStorage", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("UseDevelopmentStorage=true", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OnlyTableUri_Fails()
    {
        var options = new StorageOptions { TableServiceUri = new Uri("https://stalerts.table.core.windows.net") };

        Assert.True(Validator.Validate(null, options).Failed);
    }

    [Theory]
    [InlineData("not a connection string")]
    [InlineData("AccountName=alerts")]
    [InlineData("UseDevelopmentStorage=false")]
    public void Validate_MalformedConnectionString_Fails(string connectionString)
    {
        var result = Validator.Validate(null, new StorageOptions { ConnectionString = connectionString });

        Assert.True(result.Failed);
        Assert.Contains("not a storage connection string", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Upper")]
    [InlineData("1abc")]
    [InlineData("has-dash")]
    public void Validate_BadNamePrefix_Fails(string prefix)
    {
        Assert.True(Validator.Validate(null, new StorageOptions { ConnectionString = "UseDevelopmentStorage=true", NamePrefix = prefix }).Failed);
    }

    [Fact]
    public void Validate_NamePrefixUnderTheFunctionsHost_Fails()
    {
        var options = new StorageOptions { ConnectionString = "UseDevelopmentStorage=true", NamePrefix = "test1" };

        Assert.True(Validator.Validate(null, options).Succeeded);
        ValidateOptionsResult underHost = new StorageOptionsValidator(new HostingMode(UnderFunctionsHost: true)).Validate(null, options);
        Assert.True(underHost.Failed);
        Assert.Contains("Storage:NamePrefix", underHost.FailureMessage, StringComparison.Ordinal);
    }
}
