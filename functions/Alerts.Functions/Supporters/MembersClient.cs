namespace Alerts.Supporters;

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
