using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Alerts.Storage;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Alerts.Supporters;

/// <summary>A look-up that could not be made now (service down, garbage answer). The supporter stays valid, enrichment pending.</summary>
internal sealed class LookupUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>postcodes.io: postcode to the 2024 parliamentary constituency.</summary>
internal sealed class PostcodesClient(HttpClient http)
{
    /// <summary>The constituency's name, or null when postcodes.io does not know the postcode.</summary>
    public async Task<string?> FindConstituencyAsync(string postcode, CancellationToken cancellationToken = default)
    {
        PostcodeResponse? body = await LookupJson.GetAsync<PostcodeResponse>(http, "postcodes/" + Uri.EscapeDataString(postcode), cancellationToken);
        return body?.Result?.ParliamentaryConstituency2024;
    }

    private sealed record PostcodeResponse(int Status, PostcodeResult? Result);

    private sealed record PostcodeResult(
        [property: JsonPropertyName("parliamentary_constituency_2024")] string? ParliamentaryConstituency2024);
}

/// <summary>The Parliament Members API: a constituency's current MP.</summary>
internal sealed class MembersClient(HttpClient http)
{
    public async Task<(int MemberId, string Name)?> FindCurrentMpAsync(string constituency, CancellationToken cancellationToken = default)
    {
        SearchResponse? body = await LookupJson.GetAsync<SearchResponse>(
            http, "Location/Constituency/Search?searchText=" + Uri.EscapeDataString(constituency) + "&skip=0&take=20", cancellationToken);

        // The search matches names containing the text; the join is on the normalised full name.
        MemberValue? member = (body?.Items ?? [])
            .Select(i => i.Value)
            .FirstOrDefault(c => c is not null && ConstituencyNames.Same(c.Name, constituency))
            ?.CurrentRepresentation?.Member?.Value;
        return member is { NameDisplayAs: { } name } ? (member.Id, name) : null;
    }

    private sealed record SearchResponse(List<Item<ConstituencyValue>>? Items);

    private sealed record Item<T>(T? Value);

    private sealed record ConstituencyValue(int Id, string? Name, Representation? CurrentRepresentation);

    private sealed record Representation(Item<MemberValue>? Member);

    private sealed record MemberValue(int Id, string? NameDisplayAs);
}

internal static class ConstituencyNames
{
    public static bool Same(string? a, string? b) =>
        a is not null && b is not null && string.Equals(Normalise(a), Normalise(b), StringComparison.Ordinal);

    private static string Normalise(string name) =>
        new string(name.ToLowerInvariant().Replace("&", "and", StringComparison.Ordinal).Where(char.IsLetterOrDigit).ToArray());
}

internal static class LookupJson
{
    public static async Task<T?> GetAsync<T>(HttpClient http, string path, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            using HttpResponseMessage response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new LookupUnavailableException($"{http.BaseAddress?.Host} answered {(int)response.StatusCode}.");
            }

            return await response.Content.ReadFromJsonAsync<T>(JsonSerializerOptions.Web, cancellationToken);
        }
        catch (Exception ex) when (ex is not LookupUnavailableException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // Whatever went wrong (no connection, a timeout, an open circuit, garbage), the look-up is
            // unavailable now: the supporter is saved pending and looked up again later. Only the
            // caller's own cancellation is not ours to swallow.
            throw new LookupUnavailableException($"{http.BaseAddress?.Host} could not be used: {ex.GetType().Name}.", ex);
        }
    }
}

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
