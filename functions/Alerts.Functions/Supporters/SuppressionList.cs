namespace Alerts.Supporters;

internal sealed record Suppression(Channel Channel, string Reason, string Source, DateTimeOffset At);
