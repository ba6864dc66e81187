using System.Text.Json.Serialization;

namespace Alerts.Supporters;

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
