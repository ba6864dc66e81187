using System.ComponentModel.DataAnnotations;

namespace Alerts.Divisions;

public sealed class VotesOptions
{
    public const string SectionName = "Votes";

    /// <summary>The Commons Votes API's data root, ending in a slash.</summary>
    [Required]
    public Uri CommonsBaseAddress { get; set; } = new("https://commonsvotes-api.parliament.uk/data/");

    /// <summary>The Lords Votes API's data root, ending in a slash.</summary>
    [Required]
    public Uri LordsBaseAddress { get; set; } = new("https://lordsvotes-api.parliament.uk/data/");

    /// <summary>
    /// Divisions this far back from the newest one seen are read again on every run: lists are re-published
    /// (corrections, late names) for days after a vote, and a changed one is updated without a second event.
    /// </summary>
    public TimeSpan RecheckWindow { get; set; } = TimeSpan.FromDays(14);

    /// <summary>With no division seen yet, start from this date (Parliament's calendar); unset means today less the recheck window.</summary>
    public DateOnly? WatchFrom { get; set; }

    /// <summary>Divisions per search page (the APIs' default is 25; their maximum is undocumented).</summary>
    [Range(1, 100)]
    public int PageSize { get; set; } = 25;

    /// <summary>At most this many search pages per House per run.</summary>
    [Range(1, 100)]
    public int MaxPagesPerRun { get; set; } = 20;
}
