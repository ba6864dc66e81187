namespace Alerts.Messages;

/// <summary>The placeholders every template may use.</summary>
internal static class Placeholders
{
    public static readonly IReadOnlyList<string> All =
    [
        "first_name", "mp_name", "constituency", "bill_title", "stage", "sitting_date", "action_link", "unsubscribe_link", "charity_name",
    ];
}
