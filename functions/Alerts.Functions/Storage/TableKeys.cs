namespace Alerts.Storage;

/// <summary>
/// What an id from a URL must look like before it is used as a table key: our ids are 1 to 64 ASCII
/// letters and digits. Anything else (<c>#</c>, <c>?</c>, <c>\</c>, control characters, a kilobyte of
/// text) names nothing we store, and Table Storage would refuse it as a key with a 400 of its own.
/// </summary>
internal static class TableKeys
{
    public const int MaxIdLength = 64;

    public static bool IsId(string? id) => id is { Length: > 0 and <= MaxIdLength } && id.All(char.IsAsciiLetterOrDigit);
}
