using System.Text.Json.Serialization;
using System.Text.Json;

namespace Alerts.Triggers;

/// <summary>
/// The body the Functions host POSTs to <c>/{FunctionName}</c> for timer and queue triggers.
/// <c>Data</c> is keyed by the trigger binding's name in function.json; <c>Metadata</c> by binding data names.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)] // the host may add fields; they are not ours to refuse
internal sealed record InvocationRequest(
    [property: JsonPropertyName("Data")] Dictionary<string, JsonElement>? Data,
    [property: JsonPropertyName("Metadata")] Dictionary<string, JsonElement>? Metadata)
{
    public JsonElement? GetData(string name) => Find(Data, name);

    public JsonElement? GetMetadata(string name) => Find(Metadata, name);

    private static JsonElement? Find(Dictionary<string, JsonElement>? values, string name)
    {
        if (values is null)
        {
            return null;
        }

        if (values.TryGetValue(name, out JsonElement exact))
        {
            return InvocationValue.Decode(exact);
        }

        // The host serialises with Newtonsoft, whose casing we do not control; match names loosely.
        foreach ((string key, JsonElement value) in values)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return InvocationValue.Decode(value);
            }
        }

        return null;
    }
}

/// <summary>What the handler answers: output bindings, log lines for the host, and the return value.</summary>
internal sealed record InvocationResult(
    [property: JsonPropertyName("Outputs")] Dictionary<string, object?> Outputs,
    [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
    [property: JsonPropertyName("ReturnValue")] object? ReturnValue)
{
    public static InvocationResult WithLogs(params string[] logs) => new([], logs, null);
}

internal static class InvocationValue
{
    /// <summary>
    /// The host JSON-encodes strings and numbers before placing them in the envelope, and on some
    /// paths does so twice, so a queue message <c>{"a":1}</c> can arrive as <c>"\"{\\\"a\\\":1}\""</c>.
    /// A string that holds JSON text is decoded again, at most twice; anything else is returned as is.
    /// </summary>
    public static JsonElement Decode(JsonElement value)
    {
        for (int round = 0; round < 2 && value.ValueKind == JsonValueKind.String; round++)
        {
            string text = value.GetString()!;
            if (!LooksLikeJson(text))
            {
                break;
            }

            try
            {
                using JsonDocument document = JsonDocument.Parse(text);
                value = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                break;
            }
        }

        return value;
    }

    /// <summary>The text of a value: a string's contents, or the raw JSON of anything else.</summary>
    public static string AsText(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    public static DateTimeOffset? AsTimestamp(JsonElement? value)
    {
        // Timer Last/LastUpdated are sometimes unparseable (host #7391); a bad timestamp is no timestamp.
        if (value is { ValueKind: JsonValueKind.String } element
            && DateTimeOffset.TryParse(element.GetString(), System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out DateTimeOffset parsed)
            && parsed.Year > 1)
        {
            return parsed;
        }

        return null;
    }

    private static bool LooksLikeJson(string text)
    {
        ReadOnlySpan<char> trimmed = text.AsSpan().Trim();
        if (trimmed.IsEmpty)
        {
            return false;
        }

        char first = trimmed[0];
        return first is '{' or '[' or '"' or '-' or (>= '0' and <= '9') || trimmed is "true" or "false" or "null";
    }
}
