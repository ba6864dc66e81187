namespace Alerts.Webhooks;

internal static class WebhooksRegistration
{
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateOnStart()
            .Validate(o => o.SendGridPublicKey is null or "" || IsPublicKey(o.SendGridPublicKey),
                "Webhooks:SendGridPublicKey must be SendGrid's base64 verification key (SubjectPublicKeyInfo, no PEM armour).");
        builder.Services.AddAnonymousRateLimits();
        builder.Services.AddSingleton<OptOuts>();
        builder.Services.AddSingleton<ProviderEvents>();
        return builder;
    }

    private static bool IsPublicKey(string base64)
    {
        try
        {
            using var ecdsa = System.Security.Cryptography.ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(Convert.FromBase64String(base64), out _);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}
