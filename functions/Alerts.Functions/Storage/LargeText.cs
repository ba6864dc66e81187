using Azure.Data.Tables;

namespace Alerts.Storage;

/// <summary>
/// Text longer than one Table Storage property holds (64 KiB, i.e. 32,768 UTF-16 characters) spread over
/// numbered properties: <c>Content</c>, <c>Content_1</c>, <c>Content_2</c>, … An entity holds 1 MiB in all,
/// so what callers store this way must still be bounded by their own validation.
/// </summary>
internal static class LargeText
{
    private const int CharactersPerProperty = 30_000;

    public static void Write(TableEntity row, string name, string? text)
    {
        if (text is null)
        {
            row[name] = null;
            return;
        }

        for (int part = 0, start = 0; start < text.Length || part == 0; part++, start += CharactersPerProperty)
        {
            row[part == 0 ? name : $"{name}_{part}"] = text.Substring(start, Math.Min(CharactersPerProperty, text.Length - start));
        }
    }

    public static string? Read(TableEntity row, string name)
    {
        if (row.GetString(name) is not { } first)
        {
            return null;
        }

        if (!row.ContainsKey(name + "_1"))
        {
            return first;
        }

        var text = new System.Text.StringBuilder(first);
        for (int part = 1; row.GetString($"{name}_{part}") is { } next; part++)
        {
            text.Append(next);
        }

        return text.ToString();
    }
}
