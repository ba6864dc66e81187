using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Alerts.Bills;

/// <summary>
/// One GET against one of Parliament's APIs (Bills, Commons Votes, Lords Votes), with every way it can go
/// wrong (refused, timed out, an error status, JSON that is not what is documented) as one
/// <see cref="ParliamentApiException"/> naming the API, so a watcher's run fails with one error.
/// </summary>
internal static class ParliamentHttp
{
    public static async Task<T?> GetAsync<T>(HttpClient http, string api, string path, CancellationToken cancellationToken, bool notFoundIsNull = false)
        where T : class
    {
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException
                                       || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new ParliamentApiException($"{api} GET {path} failed: {ex.Message}", ex);
        }

        using (response)
        {
            if (notFoundIsNull && response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new ParliamentApiException($"{api} GET {path} answered {(int)response.StatusCode}.");
            }

            try
            {
                return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
                    ?? throw new ParliamentApiException($"{api} GET {path} answered null.");
            }
            catch (JsonException ex)
            {
                throw new ParliamentApiException($"{api} GET {path} answered malformed JSON: {ex.Message}", ex);
            }
        }
    }

    // Case-insensitive names read the Commons Votes API's PascalCase and the others' camelCase alike.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new NaiveDateTimeConverter() },
    };

    /// <summary>The APIs write naive timestamps (UK local time, no zone); read them as they are.</summary>
    private sealed class NaiveDateTimeConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTime.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString("O", CultureInfo.InvariantCulture));
    }
}
