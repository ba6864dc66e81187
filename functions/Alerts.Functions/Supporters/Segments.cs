using System.Runtime.CompilerServices;
using System.Text.Json;
using Alerts.Storage;
using Azure;
using Azure.Data.Tables;

namespace Alerts.Supporters;

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

internal sealed record Segment(string Id, SegmentDefinition Definition, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Saved segment definitions.</summary>
internal sealed class SegmentStore(AlertsStorage storage)
{
    private const string Partition = "segment";
    private readonly TableClient _segments = storage.Table(Tables.Segments);

    public async Task<Segment> CreateAsync(SegmentDefinition definition, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var segment = new Segment("seg" + Guid.NewGuid().ToString("N")[..16], definition, now, now);
        await _segments.AddEntityAsync(ToEntity(segment), cancellationToken);
        return segment;
    }

    public async Task<Segment?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!TableKeys.IsId(id))
        {
            return null;
        }

        NullableResponse<TableEntity> row = await _segments.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: cancellationToken);
        return row.HasValue ? FromEntity(row.Value!) : null;
    }

    public async Task<IReadOnlyList<Segment>> ListAsync(CancellationToken cancellationToken = default)
    {
        var segments = new List<Segment>();
        await foreach (TableEntity row in _segments.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken))
        {
            segments.Add(FromEntity(row));
        }

        return segments;
    }

    public async Task<bool> ReplaceAsync(Segment segment, CancellationToken cancellationToken = default)
    {
        try
        {
            await _segments.UpdateEntityAsync(ToEntity(segment), ETag.All, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        TableKeys.IsId(id) && (await _segments.DeleteEntityAsync(Partition, id, ETag.All, cancellationToken)).Status != 404;

    private static TableEntity ToEntity(Segment s)
    {
        var row = new TableEntity(Partition, s.Id)
        {
            ["CreatedAt"] = s.CreatedAt,
            ["UpdatedAt"] = s.UpdatedAt,
        };
        LargeText.Write(row, "Definition", JsonSerializer.Serialize(s.Definition, JsonSerializerOptions.Web)); // 650 constituencies fill two properties
        return row;
    }

    private static Segment FromEntity(TableEntity row) => new(
        row.RowKey,
        JsonSerializer.Deserialize<SegmentDefinition>(LargeText.Read(row, "Definition")!, JsonSerializerOptions.Web)!,
        row.GetDateTimeOffset("CreatedAt") ?? default,
        row.GetDateTimeOffset("UpdatedAt") ?? default);
}

public sealed record SegmentCounts(IReadOnlyDictionary<Channel, int> Channels, int Members, IReadOnlyList<string> SampleSupporterIds);

/// <summary>
/// Evaluates a segment against the index, reading only the partitions that drive it (the tags it asks
/// for, else its constituencies, else everyone), one row at a time, so memory stays flat.
/// </summary>
internal sealed class SegmentEvaluator(SupporterStore store)
{
    public const int SampleSize = 5;

    public async IAsyncEnumerable<IndexRow> MembersAsync(SegmentDefinition segment, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (SegmentCursor? cursor = new(0, null); cursor is not null;)
        {
            SegmentPage page = await ReadPageAsync(segment, cursor, 1000, cancellationToken);
            foreach (IndexRow row in page.Members)
            {
                yield return row;
            }

            cursor = page.Next;
        }
    }

    /// <summary>
    /// One page (at most <paramref name="pageSize"/> index rows read) of a segment's members, and where the
    /// next page starts (null when done). Planning a campaign resumes from the cursor after a crash.
    /// </summary>
    public async Task<SegmentPage> ReadPageAsync(SegmentDefinition segment, SegmentCursor cursor, int pageSize, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> driving = DrivingPartitions(segment);
        int i = cursor.PartitionIndex;
        if (i >= driving.Count)
        {
            return new SegmentPage([], null);
        }

        var constituencies = segment.Constituencies.Select(c => c.Trim().ToLowerInvariant()).ToHashSet();
        (IReadOnlyList<IndexRow> rows, string? next) = await store.ReadIndexPageAsync(driving[i], cursor.ContinuationToken, pageSize, cancellationToken);
        var members = rows
            // With several "any" tags, a supporter is read from the first of its tags only: no set of seen ids needed.
            .Where(row => !(segment.TagsAny.Count > 0 && segment.TagsAny.Take(i).Any(row.Tags.Contains)))
            .Where(row => Matches(segment, constituencies, row))
            .ToList();
        return new SegmentPage(members, next is not null ? new SegmentCursor(i, next) : i + 1 < driving.Count ? new SegmentCursor(i + 1, null) : null);
    }

    /// <summary>The index partitions a segment is read from: its "any" tags, else its first "all" tag, else its constituencies, else everyone.</summary>
    public static IReadOnlyList<string> DrivingPartitions(SegmentDefinition segment) =>
        segment.TagsAny.Count > 0 ? [.. segment.TagsAny.Select(SupporterStore.TagPartition)]
        : segment.TagsAll.Count > 0 ? [SupporterStore.TagPartition(segment.TagsAll[0])]
        : segment.Constituencies.Count > 0 ? [.. segment.Constituencies.Select(c => c.Trim().ToLowerInvariant()).Distinct().Select(SupporterStore.ConstituencyPartition)]
        : [SupporterStore.AllPartition];

    public async Task<SegmentCounts> CountAsync(SegmentDefinition segment, CancellationToken cancellationToken = default)
    {
        var counts = segment.Channels.ToDictionary(c => c, _ => 0);
        var sample = new List<string>();
        int members = 0;
        await foreach (IndexRow row in MembersAsync(segment, cancellationToken))
        {
            members++;
            foreach (Channel channel in segment.Channels.Where(row.Allows))
            {
                counts[channel]++;
            }

            if (sample.Count < SampleSize)
            {
                sample.Add(row.SupporterId);
            }
        }

        return new SegmentCounts(counts, members, sample);
    }

    /// <summary>Whether a supporter, as its index row describes it, belongs to the segment on some channel.</summary>
    public static bool Matches(SegmentDefinition segment, IReadOnlySet<string> constituencies, IndexRow row) =>
        (segment.TagsAny.Count == 0 || segment.TagsAny.Any(row.Tags.Contains))
        && segment.TagsAll.All(row.Tags.Contains)
        && !segment.ExcludeTags.Any(row.Tags.Contains)
        && (constituencies.Count == 0 || (row.Constituency is { } c && constituencies.Contains(c.Trim().ToLowerInvariant())))
        && segment.Channels.Any(row.Allows);
}
