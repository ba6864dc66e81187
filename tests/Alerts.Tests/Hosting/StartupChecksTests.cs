using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Alerts.Hosting;

public sealed class StartupChecksTests
{
    [Fact]
    public void UnresolvedKeyVaultReference_InAnySetting_IsRefusedByName()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "@Microsoft.KeyVault(VaultName=kv;SecretName=storage)",
            ["Twilio:AuthToken"] = " @Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/twilio)",
            ["Alerting:CharityName"] = "Refugee Rights Network",
        }).Build();

        var refused = Assert.Throws<ConfigurationException>(() => StartupChecks.ThrowIfUnresolvedKeyVaultReferences(configuration));

        Assert.Equal("AzureWebJobsStorage, Twilio__AuthToken are unresolved Key Vault references: check the app's identity can read the vault.", refused.Message);
    }

    [Fact]
    public void Explain_GivesOneLineForSettings_AndNothingForBugs()
    {
        var options = new OptionsValidationException("x", typeof(object), ["Alerting:CharityName is required."]);

        Assert.Equal("Alerting:CharityName is required. Webhooks:RequestsPerMinute must be from 1 to 1,000,000.",
            StartupChecks.Explain(new AggregateException(options, new OptionsValidationException("y", typeof(object), ["Webhooks:RequestsPerMinute must be from 1 to 1,000,000."]))));
        Assert.Null(StartupChecks.Explain(new InvalidOperationException("a bug")));
        Assert.Null(StartupChecks.Explain(new AggregateException(options, new InvalidOperationException())));
    }
}
