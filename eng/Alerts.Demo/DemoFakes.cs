using System.Globalization;
using System.Runtime.InteropServices;
using Alerts.Fakes;

namespace Alerts.Demo;

/// <summary>
/// Starts the loopback Bills, Votes, postcodes.io and Members APIs the integration tests use, with demo
/// data, and writes the app settings that point at them to <c>envFile</c> (shell assignments).
/// </summary>
internal static class DemoFakes
{
    public const int BillId = 2818;

    public static async Task<int> RunAsync(string envFile)
    {
        await using FakeBillsApi bills = await FakeBillsApi.StartAsync();
        await using FakeVotesApi votes = await FakeVotesApi.StartAsync();
        await using FakeLookupApis lookups = await FakeLookupApis.StartAsync();

        // The recorded bill 2818's shapes under the title of the recorded division 1873, its 2nd reading
        // sitting that day (CONSTRUCTED), so the division has a bill to be about; and the recorded bill as it is.
        BillScenario.Recorded(BillId).Retitle("Non-Domestic Rating (Multipliers and Private Schools) Bill")
            .AddSitting(12655, 99001, new DateTime(2024, 11, 25)).ServeOn(bills);
        foreach (DemoMp mp in DemoMp.All)
        {
            lookups.AddConstituency(mp.Postcode, mp.Seat, mp.Id + 100_000, mp.FullName, mp.Id);
        }

        string[] settings =
        [
            $"Parliament__BillsBaseAddress={bills.BaseAddress}",
            $"Votes__CommonsBaseAddress={votes.CommonsBaseAddress}",
            $"Votes__LordsBaseAddress={votes.LordsBaseAddress}",
            $"Supporters__PostcodesBaseAddress={lookups.PostcodesBaseAddress}",
            $"Supporters__MembersBaseAddress={lookups.MembersBaseAddress}",
        ];
        string temporary = envFile + ".tmp";
        await File.WriteAllLinesAsync(temporary, settings.Select(s => "export " + s));
        File.Move(temporary, envFile, overwrite: true); // whole or not at all: the script waits for it

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Demo fakes: Bills {bills.BaseAddress}, Votes {votes.CommonsBaseAddress}, lookups {lookups.PostcodesBaseAddress}"));
        // Until the script stops it (SIGTERM) or someone presses Ctrl-C (SIGINT).
        var stopped = new TaskCompletionSource();
        using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stopped.TrySetResult(); });
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stopped.TrySetResult(); });
        await stopped.Task;
        return 0;
    }
}
