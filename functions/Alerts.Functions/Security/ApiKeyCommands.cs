namespace Alerts.Security;

/// <summary>
/// The documented way to create the first staff key (and revoke any): run the app with a command
/// instead of serving. The secret is printed once and never stored.
/// <code>dotnet run --project functions/Alerts.Functions -- create-api-key --name "Sam (campaigns)" --scopes read,write,send</code>
/// </summary>
internal static class ApiKeyCommands
{
    public const string Usage = """
        Alerts: action alerts for UK campaigning charities.

        Usage:
          Alerts.Functions                                               serve (alone: it fires its own timers and polls its queue)
          Alerts.Functions create-api-key --name <who> [--scopes read,write,send]
                                                                         create a staff API key; the secret is printed once
          Alerts.Functions revoke-api-key <key id>                       revoke a staff API key
          Alerts.Functions --help                                        this text

        Settings come from environment variables (Alerting__CharityName, …) or appsettings*.json beside the
        app; the README lists them all. The commands need only the storage setting (AzureWebJobsStorage).
        """;

    public static bool IsHelp(string[] args) => args is [("--help" or "-h" or "help" or "-?"), ..];

    /// <summary>Runs a command if <paramref name="args"/> names one: its exit code, or null to serve.</summary>
    public static async Task<int?> TryRunAsync(WebApplication app, string[] args)
    {
        if (args.Length == 0 || args[0] is not ("create-api-key" or "revoke-api-key"))
        {
            return null;
        }

        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        if (args[0] == "revoke-api-key")
        {
            if (args.ElementAtOrDefault(1) is not { } id)
            {
                return Refuse("Usage: revoke-api-key <key id>");
            }

            Console.WriteLine(await app.Services.GetRequiredService<ApiKeyStore>().RevokeAsync(id) ? $"Revoked key {id}." : $"No key {id}.");
            return 0;
        }

        if (Option("--name") is not { Length: > 0 } name)
        {
            return Refuse("Usage: create-api-key --name <who> [--scopes read,write,send]");
        }

        string[] scopes = (Option("--scopes") ?? StaffScopes.Read).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (scopes.Except(StaffScopes.All).FirstOrDefault() is { } unknown)
        {
            return Refuse($"Unknown scope '{unknown}'. Scopes: {string.Join(", ", StaffScopes.All)}.");
        }

        (ApiKeyInfo key, string secret) = await app.Services.GetRequiredService<ApiKeyStore>().CreateAsync(name, scopes);
        Console.WriteLine($"Key {key.Id} for {key.Name} ({string.Join(", ", key.Scopes)}). Shown once; send it as the X-Api-Key header:");
        Console.WriteLine(secret);
        return 0;
    }

    private static int Refuse(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
