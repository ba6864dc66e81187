namespace Alerts.Bills;

/// <summary>The UK Parliament Bills API (v1): only what watching bills needs.</summary>
internal sealed class ParliamentBillsClient(HttpClient http)
{
    public Task<BillPage> ListBillsByLastUpdateAsync(int skip, int take, CancellationToken cancellationToken = default) =>
        GetAsync<BillPage>(FormattableString.Invariant($"Bills?SortOrder=DateUpdatedDescending&Skip={skip}&Take={take}"), cancellationToken)!;

    public Task<BillPage> SearchBillsAsync(string title, int take, CancellationToken cancellationToken = default) =>
        GetAsync<BillPage>(FormattableString.Invariant($"Bills?SearchTerm={Uri.EscapeDataString(title)}&SortOrder=DateUpdatedDescending&Take={take}"), cancellationToken)!;

    /// <summary>The bill, or null when Parliament has no bill with that id.</summary>
    public Task<BillSummary?> GetBillAsync(int billId, CancellationToken cancellationToken = default) =>
        GetAsync<BillSummary>(FormattableString.Invariant($"Bills/{billId}"), cancellationToken, notFoundIsNull: true);

    /// <summary>Every stage of the bill with its sittings, across pages.</summary>
    public async Task<IReadOnlyList<BillStage>> GetStagesAsync(int billId, CancellationToken cancellationToken = default)
    {
        var stages = new List<BillStage>();
        while (true)
        {
            StagePage page = (await GetAsync<StagePage>(
                FormattableString.Invariant($"Bills/{billId}/Stages?Skip={stages.Count}&Take=100"), cancellationToken))!;
            stages.AddRange(page.Items ?? []);
            if (page.Items is null || page.Items.Count == 0 || stages.Count >= page.TotalResults)
            {
                return stages;
            }
        }
    }

    public async Task<IReadOnlyList<StageType>> GetStageTypesAsync(CancellationToken cancellationToken = default) =>
        (await GetAsync<StageTypePage>("Stages?Take=100", cancellationToken))!.Items ?? [];

    private Task<T?> GetAsync<T>(string path, CancellationToken cancellationToken, bool notFoundIsNull = false)
        where T : class =>
        ParliamentHttp.GetAsync<T>(http, "Bills API", path, cancellationToken, notFoundIsNull);
}

internal sealed record BillPage(List<BillSummary>? Items, int TotalResults);

internal sealed record StagePage(List<BillStage>? Items, int TotalResults);

internal sealed record StageTypePage(List<StageType>? Items, int TotalResults);

/// <summary>A bill as the list and detail endpoints return it; every field but the id may be missing.</summary>
internal sealed record BillSummary(
    int BillId,
    string? ShortTitle,
    string? FormerShortTitle,
    string? CurrentHouse,
    string? OriginatingHouse,
    DateTime? LastUpdate,
    DateTime? BillWithdrawn,
    bool? IsDefeated,
    bool? IsAct,
    BillStage? CurrentStage);

/// <summary>One occurrence of a stage in a bill: <c>Id</c> is the billStageId, <c>StageId</c> the stage type.</summary>
internal sealed record BillStage(
    int Id,
    int StageId,
    string? Description,
    string? Abbreviation,
    string? House,
    List<StageSitting>? StageSittings,
    int SortOrder);

internal sealed record StageSitting(int Id, int StageId, int BillStageId, int BillId, DateTime? Date);

internal sealed record StageType(int Id, string? Name, string? House);
