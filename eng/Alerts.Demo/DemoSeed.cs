using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Alerts.Demo;

/// <summary>
/// What a charity would have on its first day: a few hundred supporters (imported from a CSV, as staff do)
/// and the bill watched. Everything goes through the staff API, so the app validates it as it would theirs.
/// </summary>
internal static class DemoSeed
{
    public const int Supporters = 300;

    private static readonly string[] FirstNames = ["Amira", "Ben", "Chloe", "Dev", "Esi", "Femi", "Grace", "Hamid", "Isla", "Jonah", "Kemi", "Leah", "Musa", "Nadia", "Owen"];
    private static readonly string[] Tags = ["schools", "rates", "schools;rates", "newsletter"];

    public static async Task<int> RunAsync(Uri app, string key)
    {
        using var http = new HttpClient { BaseAddress = app, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);

        HttpResponseMessage imported = await http.PostAsync(new Uri("/api/v1/supporters/import", UriKind.Relative),
            new StringContent(Csv(), Encoding.UTF8, "text/csv"));
        JsonObject report = (await imported.Content.ReadFromJsonAsync<JsonObject>())!;
        Console.WriteLine($"Imported supporters: {report["created"]} created, {report["rejected"]} rejected (the CSV has three bad rows on purpose).");

        HttpResponseMessage watched = await http.PostAsJsonAsync("/api/v1/bills", new { billId = DemoFakes.BillId });
        Console.WriteLine($"Watching bill {DemoFakes.BillId}: {(int)watched.StatusCode}.");
        return imported.IsSuccessStatusCode && watched.IsSuccessStatusCode ? 0 : 1;
    }

    /// <summary>Supporters spread over the demo MPs; some without a postcode, some without SMS consent, and three bad rows.</summary>
    private static string Csv()
    {
        var csv = new StringBuilder("email,phone,first_name,postcode,tags,email_consent,sms_consent,consent_source\n");
        for (int i = 0; i < Supporters; i++)
        {
            string name = FirstNames[i % FirstNames.Length];
            string postcode = i % 25 == 24 ? "" : DemoMp.All[i % DemoMp.Count].Postcode;
            string sms = i % 3 == 0 ? "no" : "yes";
            csv.Append(CultureInfo.InvariantCulture, $"{name.ToLowerInvariant()}.{i}@example.org,07400 {100_000 + i},{name},{postcode},{Tags[i % Tags.Length]},yes,{sms},demo sign-up sheet\n");
        }

        csv.Append("not-an-email,,Zed,,schools,yes,no,demo sign-up sheet\n");
        csv.Append("zoe@example.org,12345,Zoe,,schools,yes,yes,demo sign-up sheet\n");
        csv.Append("yan@example.org,,Yan,,schools,maybe,no,demo sign-up sheet\n");
        return csv.ToString();
    }
}
