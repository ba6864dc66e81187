using System.Security.Cryptography;
using System.Text;
using Alerts.Storage;
using Azure.Data.Tables;
using Azure;

namespace Alerts.Security;

internal sealed record ApiKeyInfo(string Id, string Name, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>
/// Staff API keys: <c>alk.{id}.{secret}</c>, shown once at creation; only a SHA-256 of the secret is
/// stored (the secret is 256 random bits, so a plain hash is enough), and a key can be revoked.
/// </summary>
internal sealed class ApiKeyStore(AlertsStorage storage, TimeProvider time)
{
    private const string Partition = "key";
    private readonly TableClient _keys = storage.Table(Tables.ApiKeys);

    public async Task<(ApiKeyInfo Key, string Secret)> CreateAsync(string name, IReadOnlyList<string> scopes, CancellationToken cancellationToken = default)
    {
        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        string secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var info = new ApiKeyInfo(id, name, scopes, time.GetUtcNow(), null);
        await _keys.CreateIfNotExistsAsync(cancellationToken);
        await _keys.AddEntityAsync(new TableEntity(Partition, id)
        {
            ["Name"] = name,
            ["Scopes"] = string.Join(',', scopes),
            ["SecretHash"] = Hash(secret),
            ["CreatedAt"] = info.CreatedAt,
        }, cancellationToken);
        return (info, $"alk.{id}.{secret}");
    }

    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            await _keys.UpdateEntityAsync(new TableEntity(Partition, id) { ["RevokedAt"] = time.GetUtcNow() }, ETag.All, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <summary>The key a presented value belongs to, if it is genuine and not revoked.</summary>
    public async Task<ApiKeyInfo?> VerifyAsync(string presented, CancellationToken cancellationToken = default)
    {
        string[] parts = presented.Split('.');
        if (parts is not ["alk", { Length: 12 } id, { Length: > 0 } secret] || !id.All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        NullableResponse<TableEntity> row = await _keys.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: cancellationToken);
        if (!row.HasValue || row.Value!.GetDateTimeOffset("RevokedAt") is not null
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(row.Value.GetString("SecretHash") ?? "")))
        {
            return null;
        }

        return new ApiKeyInfo(id, row.Value.GetString("Name") ?? id, (row.Value.GetString("Scopes") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries),
            row.Value.GetDateTimeOffset("CreatedAt") ?? default, null);
    }

    /// <summary>Whether a key still exists and is not revoked: the console re-checks its session's key on each request.</summary>
    public async Task<bool> IsLiveAsync(string id, CancellationToken cancellationToken = default)
    {
        if (id is not { Length: 12 } || !id.All(char.IsAsciiHexDigitLower))
        {
            return false;
        }

        NullableResponse<TableEntity> row = await _keys.GetEntityIfExistsAsync<TableEntity>(Partition, id, select: ["RevokedAt"], cancellationToken: cancellationToken);
        return row.HasValue && row.Value!.GetDateTimeOffset("RevokedAt") is null;
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
