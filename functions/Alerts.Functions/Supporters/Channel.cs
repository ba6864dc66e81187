namespace Alerts.Supporters;

public enum Channel
{
    Email,
    Sms,
}
