namespace Alerts.Security;

/// <summary>
/// The documented way to create the first staff key (and revoke any): run the app with a command
/// instead of serving. The secret is printed once and never stored.
/// <code>dotnet run --project functions/Alerts.Functions -- create-api-key --name "Sam (campaigns)" --scopes read,write,send</code>
/// </summary>
internal static class ApiKeyCommands
{
    public static async Task<bool> TryRunAsync(WebApplication app, string[] args)
    {
        if (args.Length == 0 || args[0] is not ("create-api-key" or "revoke-api-key"))
        {
            return false;
        }

        var keys = app.Services.GetRequiredService<ApiKeyStore>();
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        if (args[0] == "revoke-api-key")
        {
            string id = args.ElementAtOrDefault(1) ?? throw new ArgumentException("Usage: revoke-api-key <key id>");
            Console.WriteLine(await keys.RevokeAsync(id) ? $"Revoked key {id}." : $"No key {id}.");
            return true;
        }

        string name = Option("--name") ?? throw new ArgumentException("Usage: create-api-key --name <who> [--scopes read,write,send]");
        string[] scopes = (Option("--scopes") ?? StaffScopes.Read).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (scopes.Except(StaffScopes.All).FirstOrDefault() is { } unknown)
        {
            throw new ArgumentException($"Unknown scope '{unknown}'. Scopes: {string.Join(", ", StaffScopes.All)}.");
        }

        (ApiKeyInfo key, string secret) = await keys.CreateAsync(name, scopes);
        Console.WriteLine($"Key {key.Id} for {key.Name} ({string.Join(", ", key.Scopes)}). Shown once; send it as the X-Api-Key header:");
        Console.WriteLine(secret);
        return true;
    }
}
