using System.ComponentModel.DataAnnotations;

namespace Alerts.Bills;

public sealed class ParliamentOptions
{
    public const string SectionName = "Parliament";

    /// <summary>The Bills API root, ending in a slash.</summary>
    [Required]
    public Uri BillsBaseAddress { get; set; } = new("https://bills-api.parliament.uk/api/v1/");

    /// <summary>How many bills one page of the update-ordered list asks for.</summary>
    [Range(1, 200)]
    public int PageSize { get; set; } = 50;

    /// <summary>At most this many list pages per run; past it, every watched bill is checked instead.</summary>
    [Range(1, 100)]
    public int MaxPagesPerRun { get; set; } = 10;

    /// <summary>Check every watched bill at least this often, whatever the list says (its lastUpdate is undocumented).</summary>
    public TimeSpan FullCheckInterval { get; set; } = TimeSpan.FromHours(24);
}
