using System.Globalization;
using Alerts.Fakes;

namespace Alerts.Benchmarks;

/// <summary>
/// Messages SendGrid took per seeded member, in a fixed array (400 KB at N = 100,000) so the tally
/// does not weigh on the heap being measured. A figure only counts if each run sent each member one.
/// </summary>
internal sealed class MessagesPerMember(int n)
{
    private readonly int[] _messages = new int[n];
    private int _strangers;

    public static string Address(int i) => string.Create(CultureInfo.InvariantCulture, $"bench{i}@example.org");

    public void Count(string address)
    {
        int at = address.IndexOf('@', StringComparison.Ordinal);
        if (address.StartsWith("bench", StringComparison.Ordinal) && at > 5
            && int.TryParse(address.AsSpan(5, at - 5), NumberStyles.None, CultureInfo.InvariantCulture, out int i) && i < _messages.Length)
        {
            Interlocked.Increment(ref _messages[i]);
        }
        else
        {
            Interlocked.Increment(ref _strangers);
        }
    }

    public void ExpectEach(int messages, FakeSendGrid sendGrid)
    {
        int wrong = _messages.Count(m => m != messages);
        if (wrong > 0 || _strangers > 0 || !sendGrid.ShapeErrors.IsEmpty)
        {
            throw new InvalidOperationException(
                $"expected {messages} message(s) for each of {_messages.Length} members: {wrong} members had another count, {_strangers} messages went to unknown addresses, {sendGrid.ShapeErrors.Count} requests were malformed");
        }
    }
}
