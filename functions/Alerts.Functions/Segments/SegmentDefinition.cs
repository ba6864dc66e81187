using Alerts.Supporters;

namespace Alerts.Segments;

/// <summary>
/// Who a segment is: supporters with any of <see cref="TagsAny"/> (if given), all of <see cref="TagsAll"/>,
/// none of <see cref="ExcludeTags"/>, in one of <see cref="Constituencies"/> (if given), counted per channel
/// among those who consented to it.
/// </summary>
public sealed record SegmentDefinition
{
    public string Name { get; init; } = string.Empty;

    public IReadOnlyList<string> TagsAny { get; init; } = [];

    public IReadOnlyList<string> TagsAll { get; init; } = [];

    public IReadOnlyList<string> ExcludeTags { get; init; } = [];

    public IReadOnlyList<string> Constituencies { get; init; } = [];

    public IReadOnlyList<Channel> Channels { get; init; } = [Channel.Email, Channel.Sms];

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 100)
        {
            errors["name"] = ["Give the segment a name of 1 to 100 characters."];
        }

        foreach ((string field, IReadOnlyList<string> tags) in new[] { ("tagsAny", TagsAny), ("tagsAll", TagsAll), ("excludeTags", ExcludeTags) })
        {
            string? error = tags.Count > ContactValidation.MaxTags
                ? $"At most {ContactValidation.MaxTags} tags."
                : tags.Select(ContactValidation.ValidateTag).FirstOrDefault(e => e is not null);
            if (error is not null)
            {
                errors[field] = [error];
            }
        }

        if (Constituencies.Count > 650 || Constituencies.Any(c => string.IsNullOrWhiteSpace(c) || c.Length > 100 || c.Any(char.IsControl) || c.IndexOfAny(['/', '\\', '#', '?']) >= 0))
        {
            errors["constituencies"] = ["Up to 650 constituency names as postcodes.io gives them (e.g. 'Cardiff East')."];
        }

        if (Channels.Count == 0)
        {
            errors["channels"] = ["Choose email, sms or both."];
        }

        return errors;
    }
}
