using Alerts.Audit;
using Alerts.Storage;
using Azure;
using Azure.Data.Tables;

namespace Alerts.Supporters;

internal sealed record Suppression(Channel Channel, string Reason, string Source, DateTimeOffset At);

/// <summary>
/// Addresses that must never be messaged again, keyed by the keyed hash of the address (never the address),
/// so the list outlives the supporter: an erased supporter's old list imported again can never be messaged.
/// </summary>
internal sealed class SuppressionList(AlertsStorage storage, ContactHasher hasher, AuditLog audit)
{
    private readonly TableClient _suppressions = storage.Table(Tables.Suppressions);

    public async Task<Suppression?> FindAsync(Channel channel, string address, CancellationToken cancellationToken = default)
    {
        NullableResponse<TableEntity> row = await _suppressions.GetEntityIfExistsAsync<TableEntity>(
            channel.ToString(), hasher.Hash(channel, address), cancellationToken: cancellationToken);
        return row.HasValue
            ? new Suppression(channel, row.Value!.GetString("Reason") ?? "", row.Value.GetString("Source") ?? "", row.Value.GetDateTimeOffset("At") ?? default)
            : null;
    }

    /// <summary>Adds the address; the first reason recorded is kept. <paramref name="actor"/> is who is audited for it.</summary>
    public async Task<bool> AddAsync(Channel channel, string address, string reason, string source, string actor, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        string hash = hasher.Hash(channel, address);
        try
        {
            await _suppressions.AddEntityAsync(new TableEntity(channel.ToString(), hash)
            {
                ["Reason"] = reason,
                ["Source"] = source,
                ["At"] = at,
            }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }

        await audit.RecordAsync(actor, "Suppressed", "suppression", AuditName(channel, hash), $"{reason} ({source})", cancellationToken);
        return true;
    }

    public async Task<bool> LiftAsync(Channel channel, string address, string source, string actor, CancellationToken cancellationToken = default)
    {
        string hash = hasher.Hash(channel, address);
        Response response = await _suppressions.DeleteEntityAsync(channel.ToString(), hash, ETag.All, cancellationToken);
        if (response.Status == 404)
        {
            return false;
        }

        await audit.RecordAsync(actor, "SuppressionLifted", "suppression", AuditName(channel, hash), source, cancellationToken);
        return true;
    }

    /// <summary>The audit trail names a suppression by a prefix of its hash, never by the address.</summary>
    private static string AuditName(Channel channel, string hash) => $"{channel}:{hash[..16]}";
}
