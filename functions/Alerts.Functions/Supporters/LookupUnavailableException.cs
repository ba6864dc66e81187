namespace Alerts.Supporters;

/// <summary>A look-up that could not be made now (service down, garbage answer). The supporter stays valid, enrichment pending.</summary>
internal sealed class LookupUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
