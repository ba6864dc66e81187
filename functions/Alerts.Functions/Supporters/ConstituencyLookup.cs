using Alerts.Storage;
using Azure.Data.Tables;
using Azure;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Alerts.Supporters;

internal sealed record ConstituencyMatch(string Constituency, string? MpName, int? MpMemberId);

/// <summary>Postcode to constituency to MP, through a Table Storage cache that is refreshed when stale.</summary>
internal sealed class ConstituencyLookup(
    PostcodesClient postcodes, MembersClient members, AlertsStorage storage, IMemoryCache memory, IOptions<SupportersOptions> options, TimeProvider time)
{
    // Imports repeat postcodes; a short in-process memory saves a table read per row without outliving a refresh for long.
    private static readonly TimeSpan MemoryDuration = TimeSpan.FromMinutes(10);
    private readonly TableClient _cache = storage.Table(Tables.LookupCache);

    /// <summary>The match, or null when the postcode is unknown. Throws <see cref="LookupUnavailableException"/> when a service is down.</summary>
    public async Task<ConstituencyMatch?> FindAsync(string postcode, CancellationToken cancellationToken = default)
    {
        string key = postcode.Replace(" ", "", StringComparison.Ordinal);
        if (memory.TryGetValue(("postcode", key), out ConstituencyMatch? remembered))
        {
            return remembered;
        }

        ConstituencyMatch? match = await FindUncachedAsync(key, postcode, cancellationToken);
        memory.Set(("postcode", key), match, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = MemoryDuration });
        return match;
    }

    private async Task<ConstituencyMatch?> FindUncachedAsync(string key, string postcode, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> cached = await _cache.GetEntityIfExistsAsync<TableEntity>("postcode", key, cancellationToken: cancellationToken);
        if (cached.HasValue && time.GetUtcNow() - cached.Value!.GetDateTimeOffset("FetchedAt") < options.Value.LookupCacheDuration)
        {
            return cached.Value.GetString("Constituency") is { } name
                ? new ConstituencyMatch(name, cached.Value.GetString("MpName"), cached.Value.GetInt32("MpMemberId"))
                : null;
        }

        string? constituency = await postcodes.FindConstituencyAsync(postcode, cancellationToken);
        (int MemberId, string Name)? mp = constituency is null ? null : await members.FindCurrentMpAsync(constituency, cancellationToken);

        await _cache.UpsertEntityAsync(new TableEntity("postcode", key)
        {
            ["Constituency"] = constituency,
            ["MpName"] = mp?.Name,
            ["MpMemberId"] = mp?.MemberId,
            ["FetchedAt"] = time.GetUtcNow(),
        }, TableUpdateMode.Replace, cancellationToken);
        return constituency is null ? null : new ConstituencyMatch(constituency, mp?.Name, mp?.MemberId);
    }
}
