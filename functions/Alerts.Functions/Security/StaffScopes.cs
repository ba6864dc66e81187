namespace Alerts.Security;

/// <summary>What a staff key may do. Each staff endpoint requires exactly one.</summary>
public static class StaffScopes
{
    public const string Read = "read";
    public const string Write = "write";

    /// <summary>Approve campaigns, send, schedule, cancel, re-send and test-send: the sensitive flows.</summary>
    public const string Send = "send";

    public static readonly IReadOnlyList<string> All = [Read, Write, Send];
}
