using System.Globalization;
using System.Text;

namespace Alerts.Divisions;

public enum VotePosition
{
    Aye,
    No,
    AyeTeller,
    NoTeller,

    /// <summary>In both lobbies: a deliberate abstention.</summary>
    Both,

    NoVoteRecorded,

    /// <summary>The Speaker or a Deputy Speaker, who do not vote.</summary>
    Chair,
}

/// <summary>How one MP is recorded in one division.</summary>
internal readonly record struct MemberVote(VotePosition Position, bool ByProxy);

/// <summary>
/// How each MP voted in a Commons division, keyed by Members API id (never by name or constituency). The
/// Commons detail lists every sitting MP, so an MP missing from it held a vacant seat or is new.
/// </summary>
internal sealed class DivisionRoll(IReadOnlyDictionary<int, MemberVote> votes)
{
    public int Count => votes.Count;

    /// <summary>True when the lists are out: a division can appear before its names are published.</summary>
    public bool IsPublished => votes.Values.Any(v => v.Position is VotePosition.Aye or VotePosition.No or VotePosition.Both);

    public MemberVote? Of(int? memberId) => memberId is { } id && votes.TryGetValue(id, out MemberVote vote) ? vote : null;

    public static DivisionRoll From(CommonsDivision division)
    {
        var votes = new Dictionary<int, MemberVote>();
        void Add(IEnumerable<CommonsMember>? members, VotePosition position)
        {
            foreach (CommonsMember member in members ?? [])
            {
                VotePosition recorded = votes.TryGetValue(member.MemberId, out MemberVote earlier)
                    && (earlier.Position, position) is (VotePosition.Aye, VotePosition.No)
                    ? VotePosition.Both
                    : position;
                if (position == VotePosition.NoVoteRecorded && member.Party is "Speaker" or "Deputy Speaker")
                {
                    recorded = VotePosition.Chair;
                }

                votes[member.MemberId] = new MemberVote(recorded, member.ProxyName is { Length: > 0 });
            }
        }

        Add(division.Ayes, VotePosition.Aye);
        Add(division.Noes, VotePosition.No);
        Add(division.NoVoteRecorded, VotePosition.NoVoteRecorded);
        Add(division.AyeTellers, VotePosition.AyeTeller); // tellers are not in the lists; they are counted for their side
        Add(division.NoTellers, VotePosition.NoTeller);
        return new DivisionRoll(votes);
    }

    /// <summary>"4030:A,350:N,4110:-": about five bytes a member, so a whole House fits one table property.</summary>
    public string Encode()
    {
        var text = new StringBuilder(votes.Count * 8);
        foreach ((int id, MemberVote vote) in votes.OrderBy(v => v.Key))
        {
            text.Append(text.Length == 0 ? "" : ",").Append(id.ToString(CultureInfo.InvariantCulture)).Append(':').Append(Codes[vote.Position]);
            if (vote.ByProxy)
            {
                text.Append('p');
            }
        }

        return text.ToString();
    }

    public static DivisionRoll Decode(string text)
    {
        var votes = new Dictionary<int, MemberVote>();
        foreach (string entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = entry.IndexOf(':', StringComparison.Ordinal);
            string code = entry[(colon + 1)..];
            votes[int.Parse(entry[..colon], CultureInfo.InvariantCulture)] =
                new MemberVote(Codes.Single(c => c.Value == code[0]).Key, code.EndsWith('p'));
        }

        return new DivisionRoll(votes);
    }

    private static readonly Dictionary<VotePosition, char> Codes = new()
    {
        [VotePosition.Aye] = 'A', [VotePosition.No] = 'N', [VotePosition.AyeTeller] = 'a', [VotePosition.NoTeller] = 'n',
        [VotePosition.Both] = 'B', [VotePosition.NoVoteRecorded] = '-', [VotePosition.Chair] = 'C',
    };
}
