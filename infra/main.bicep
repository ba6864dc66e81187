// Alerts on Azure: a Flex Consumption function app (.NET 10 isolated worker), its storage (identity
// only), Key Vault for secrets, and Application Insights on Log Analytics. See docs/deploy.md.
targetScope = 'resourceGroup'

@description('Short name for this deployment, e.g. "alerts-rrn": lower-case letters, digits and hyphens.')
@minLength(3)
@maxLength(18)
param name string

@description('Azure region.')
param location string = resourceGroup().location

@description('The charity, as supporters know it: named in every message.')
param charityName string

@description('The From address of alert emails (a sender verified in SendGrid).')
param fromEmail string

@description('Send email through SendGrid. Put the key in Key Vault first (docs/deploy.md).')
param useSendGrid bool = false

@description('Send SMS through Twilio. Put the auth token in Key Vault first (docs/deploy.md).')
param useTwilio bool = false

@description('Twilio account SID (AC…), when useTwilio.')
param twilioAccountSid string = ''

@description('Twilio Messaging Service SID (MG…), when useTwilio.')
param twilioMessagingServiceSid string = ''

@description('Most instances the app may scale out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

param tags object = { app: 'alerts' }

var compact = toLower(replace(name, '-', ''))
var storageName = take('st${compact}${uniqueString(resourceGroup().id)}', 24)
var vaultName = take('kv-${name}-${uniqueString(resourceGroup().id)}', 24)
var deploymentContainer = 'app-package'

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: { location: location, name: name, tags: tags }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: { location: location, accountName: storageName, tags: tags, deploymentContainer: deploymentContainer }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: { location: location, vaultName: vaultName, tags: tags }
}

module app 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    location: location
    name: name
    tags: tags
    storageAccountName: storage.outputs.accountName
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainer: deploymentContainer
    vaultName: vault.outputs.vaultName
    appInsightsConnectionString: monitoring.outputs.connectionString
    charityName: charityName
    fromEmail: fromEmail
    useSendGrid: useSendGrid
    useTwilio: useTwilio
    twilioAccountSid: twilioAccountSid
    twilioMessagingServiceSid: twilioMessagingServiceSid
    maximumInstanceCount: maximumInstanceCount
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: app.outputs.principalId
    storageAccountName: storage.outputs.accountName
    vaultName: vault.outputs.vaultName
    insightsName: monitoring.outputs.insightsName
  }
}

output functionAppName string = app.outputs.appName
output functionAppUrl string = app.outputs.url
output storageAccountName string = storage.outputs.accountName
output deploymentContainerUrl string = '${storage.outputs.blobEndpoint}${deploymentContainer}'
output keyVaultName string = vault.outputs.vaultName
output sendGridWebhookUrl string = '${app.outputs.url}api/hooks/sendgrid'
output twilioInboundWebhookUrl string = '${app.outputs.url}api/hooks/twilio/inbound'
output unsubscribeBaseUrl string = '${app.outputs.url}api/unsubscribe/'
