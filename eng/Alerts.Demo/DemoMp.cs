using System.Globalization;
using System.Text.Json.Nodes;
using Alerts.Fakes;

namespace Alerts.Demo;

/// <summary>
/// The MPs the demo's supporters live under: real members as the recorded Commons division 1873 lists them
/// (Members API id, name, constituency), a third from each of its ayes, noes and "no vote recorded", so
/// the follow-up says something different to each. Their postcodes are invented (AL1 0DM … AL10 9DM).
/// </summary>
internal sealed record DemoMp(int Id, string FullName, string Seat, string Postcode)
{
    public const int Count = 90;

    public static IReadOnlyList<DemoMp> All { get; } = Load();

    private static List<DemoMp> Load()
    {
        JsonObject division = FakeVotesApi.RecordedCommons1873();
        IEnumerable<JsonNode> Take(string list) => division[list]!.AsArray().Take(Count / 3).Select(m => m!);
        return [.. Take("Ayes").Concat(Take("Noes")).Concat(Take("NoVoteRecorded")).Select((m, i) => new DemoMp(
            m["MemberId"]!.GetValue<int>(), m["Name"]!.GetValue<string>(), m["MemberFrom"]!.GetValue<string>(),
            string.Create(CultureInfo.InvariantCulture, $"AL{i / 10 + 1} {i % 10}DM")))];
    }
}
