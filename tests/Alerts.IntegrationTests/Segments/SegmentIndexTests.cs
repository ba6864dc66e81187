using Alerts.Infrastructure;
using Alerts.Supporters;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Segments;

/// <summary>The index's two-phase writes against Azurite: eligibility is never said before the supporter says it, nor after it stops.</summary>
public sealed class SegmentIndexTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly ChannelConsent Granted = new(ConsentStatus.Granted, LawfulBasis.Consent, "test", Now);

    private AlertsAppFactory _app = null!;
    private SegmentIndex _index = null!;

    public async Task InitializeAsync()
    {
        _app = await AlertsAppFactory.CreateAsync();
        _index = _app.Services.GetRequiredService<SegmentIndex>();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static Supporter Supporter(ChannelConsent email, params string[] tags) =>
        new("s0a1b2c3d4e5f60718293a4b", "Ana", null, "ana@example.org", null, null, null, null, null, EnrichmentStatus.None, tags, email, ChannelConsent.None, Now, Now);

    private async Task<IndexRow> RowAsync(string partition, string id) =>
        Assert.Single(await _index.ReadRangeAsync(SegmentIndex.ShardOf(id), partition, null, null, 10));

    [Fact]
    public async Task ASlowSavesSecondPhase_NeverLandsOnANewerChange()
    {
        Supporter v0 = Supporter(Granted, "asylum");
        await _index.AddAsync(v0);
        Supporter v1 = v0 with { Tags = ["asylum", "vip"] }; // save X: a tag, still eligible
        IndexWrite x = await _index.LowerAsync(v0, v1);
        Supporter v2 = v1 with { EmailConsent = Granted with { Status = ConsentStatus.Withdrawn } }; // save Y, after X committed
        IndexWrite y = await _index.LowerAsync(v1, v2);
        await _index.CompleteAsync(y, v2);

        await _index.CompleteAsync(x, v1); // X's second phase arrives last

        Assert.False((await RowAsync(SegmentIndex.TagPartition("asylum"), v0.Id)).EmailOk);
        Assert.Equal("no-consent", (await RowAsync(SegmentIndex.TagPartition("asylum"), v0.Id)).WhyNot(Channel.Email));
        Assert.False((await RowAsync(SegmentIndex.TagPartition("vip"), v0.Id)).EmailOk);
    }

    [Fact]
    public async Task TheFirstPhase_LowersAWithdrawal_AtOnce_ButRaisesAGrantOnlyInTheSecond()
    {
        Supporter withdrawn = Supporter(Granted with { Status = ConsentStatus.Withdrawn }, "asylum");
        await _index.AddAsync(withdrawn);
        Supporter granted = withdrawn with { EmailConsent = Granted };

        IndexWrite grant = await _index.LowerAsync(withdrawn, granted);
        Assert.False((await RowAsync(SegmentIndex.AllPartition, withdrawn.Id)).EmailOk); // a crash here leaves it out
        await _index.CompleteAsync(grant, granted);
        Assert.True((await RowAsync(SegmentIndex.AllPartition, withdrawn.Id)).EmailOk);

        await _index.LowerAsync(granted, withdrawn);
        Assert.False((await RowAsync(SegmentIndex.AllPartition, withdrawn.Id)).EmailOk); // out before the supporter row changes
    }

    [Fact]
    public async Task ARowTheSupporterLeaves_IsLoweredFirst_AndRemovedSecond()
    {
        Supporter tagged = Supporter(Granted, "asylum");
        await _index.AddAsync(tagged);
        Supporter untagged = tagged with { Tags = [] };

        IndexWrite change = await _index.LowerAsync(tagged, untagged);
        Assert.False((await RowAsync(SegmentIndex.TagPartition("asylum"), tagged.Id)).EmailOk);
        await _index.CompleteAsync(change, untagged);

        Assert.Empty(await _index.ReadRangeAsync(SegmentIndex.ShardOf(tagged.Id), SegmentIndex.TagPartition("asylum"), null, null, 10));
        Assert.True((await RowAsync(SegmentIndex.AllPartition, tagged.Id)).EmailOk);
    }
}
