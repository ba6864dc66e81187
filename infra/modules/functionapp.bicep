@description('Where the resources go.')
param location string

@description('Prefix for resource names; the function app is func-<name>.')
param name string

param tags object
param storageAccountName string
param storageBlobEndpoint string
param deploymentContainer string
param vaultName string
param appInsightsConnectionString string

@description('Named in every message.')
param charityName string

@description('From address of alert emails.')
param fromEmail string

@description('Send email through SendGrid (its key must be in Key Vault as sendgrid-api-key); otherwise email goes to the local outbox.')
param useSendGrid bool

@description('Send SMS through Twilio (twilio-auth-token must be in Key Vault); otherwise SMS goes to the local outbox.')
param useTwilio bool

@description('Twilio account SID (AC…); not secret.')
param twilioAccountSid string

@description('Twilio Messaging Service SID (MG…); not secret.')
param twilioMessagingServiceSid string

@description('Most instances Flex Consumption may scale out to.')
param maximumInstanceCount int

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${name}'
  location: location
  tags: tags
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${name}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

var appName = 'func-${name}'
var publicBaseUrl = 'https://${appName}.azurewebsites.net/'
var kv = '@Microsoft.KeyVault(VaultName=${vaultName};SecretName='
// The host resolves the timers' %WatchBills:Schedule% and the like from app settings, not from the app's
// appsettings.json: these are the schedules in that file, so there is one copy of each cron expression.
var appDefaults = loadJsonContent('../../functions/Alerts.Functions/appsettings.json')

var baseSettings = [
  // Identity-based storage for the host and for the app's tables and queues.
  { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
  { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identity.properties.clientId};Authorization=AAD' }
  { name: 'Alerting__CharityName', value: charityName }
  { name: 'Alerting__FromEmail', value: fromEmail }
  { name: 'Alerting__PublicBaseUrl', value: publicBaseUrl }
  { name: 'WatchBills__Schedule', value: appDefaults.WatchBills.Schedule }
  { name: 'WatchDivisions__Schedule', value: appDefaults.WatchDivisions.Schedule }
  { name: 'StartScheduledCampaigns__Schedule', value: appDefaults.StartScheduledCampaigns.Schedule }
  { name: 'EnrichPendingSupporters__Schedule', value: appDefaults.EnrichPendingSupporters.Schedule }
  { name: 'SweepImports__Schedule', value: appDefaults.SweepImports.Schedule }
  // A .NET 10 worker on Flex can crash when started from a placeholder (worker #3335): start it cold.
  { name: 'WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED', value: '0' }
  // Secrets: Key Vault references only; the values are set in the vault (docs/deploy.md).
  { name: 'Alerting__UnsubscribeSigningKey', value: '${kv}unsubscribe-signing-key)' }
  { name: 'Supporters__HashKey', value: '${kv}supporter-hash-key)' }
]
var sendGridSettings = useSendGrid ? [
  { name: 'SendGrid__ApiKey', value: '${kv}sendgrid-api-key)' }
  { name: 'Webhooks__SendGridPublicKey', value: '${kv}sendgrid-webhook-public-key)' }
] : []
var twilioSettings = useTwilio ? [
  { name: 'Twilio__AccountSid', value: twilioAccountSid }
  { name: 'Twilio__MessagingServiceSid', value: twilioMessagingServiceSid }
  { name: 'Twilio__AuthToken', value: '${kv}twilio-auth-token)' }
] : []

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      // The isolated worker, framework-dependent: the platform brings .NET 10 (docs/deploy.md says why).
      runtime: { name: 'dotnet-isolated', version: '10.0' }
      scaleAndConcurrency: {
        instanceMemoryMB: 2048
        maximumInstanceCount: maximumInstanceCount
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: concat(baseSettings, sendGridSettings, twilioSettings)
    }
  }
}

output appName string = app.name
output principalId string = identity.properties.principalId
output url string = 'https://${app.properties.defaultHostName}/'
