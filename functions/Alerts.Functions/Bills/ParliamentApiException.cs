namespace Alerts.Bills;

/// <summary>Parliament answered with an error, too slowly, or with something that is not the documented JSON.</summary>
internal sealed class ParliamentApiException(string message, Exception? inner = null) : Exception(message, inner);
