using System.Net;
using System.Text.Json;

namespace Alerts.Supporters;

internal static class LookupJson
{
    public static async Task<T?> GetAsync<T>(HttpClient http, string path, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            using HttpResponseMessage response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new LookupUnavailableException($"{http.BaseAddress?.Host} answered {(int)response.StatusCode}.");
            }

            return await response.Content.ReadFromJsonAsync<T>(JsonSerializerOptions.Web, cancellationToken);
        }
        catch (Exception ex) when (ex is not LookupUnavailableException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // Whatever went wrong (no connection, a timeout, an open circuit, garbage), the look-up is
            // unavailable now: the supporter is saved pending and looked up again later. Only the
            // caller's own cancellation is not ours to swallow.
            throw new LookupUnavailableException($"{http.BaseAddress?.Host} could not be used: {ex.GetType().Name}.", ex);
        }
    }
}
