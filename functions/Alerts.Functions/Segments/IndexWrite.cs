using Azure;

namespace Alerts.Segments;

/// <summary>
/// What the first phase of a supporter's index write left behind: the ETag of each row it lowered. The
/// second phase writes a row only under that ETag, so it never lands on top of anything newer.
/// </summary>
internal sealed record IndexWrite(string SupporterId, IReadOnlyDictionary<string, ETag> Rows);
