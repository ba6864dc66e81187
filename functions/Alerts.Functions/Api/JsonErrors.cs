using System.Text.Json;

namespace Alerts.Api;

/// <summary>
/// What a caller is told about JSON we could not read: the field and a plain reason. System.Text.Json's own
/// messages name .NET types ("…could not be mapped to any .NET member contained in type
/// 'Alerts.Supporters.SegmentDefinition'"), which are ours to know, not the caller's.
/// </summary>
internal static class JsonErrors
{
    /// <summary>"$.campaign.channels" → "campaign.channels"; "$['odd key']" → "odd key".</summary>
    public static string Field(string path)
    {
        string field = path.TrimStart('$').TrimStart('.').Replace("['", ".", StringComparison.Ordinal).Replace("']", "", StringComparison.Ordinal).Trim('.');
        return field.Length == 0 ? "body" : field;
    }

    public static string Reason(JsonException exception)
    {
        string message = exception.Message;
        return message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal) ? "Unknown field."
            : message.Contains("null", StringComparison.OrdinalIgnoreCase) && message.Contains("allow", StringComparison.OrdinalIgnoreCase) ? "Must not be null."
            : message.Contains("missing required properties", StringComparison.Ordinal) ? "A required field is missing."
            : message.Contains("could not be converted", StringComparison.Ordinal) ? "Not a valid value for this field."
            : "Not valid JSON here.";
    }
}
