using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Alerts.Infrastructure;

/// <summary>
/// One Azurite for the whole test run, on free loopback ports with in-memory persistence, started on
/// first use and stopped when the test process exits. Tests isolate themselves with a table/queue prefix.
/// </summary>
internal sealed partial class AzuriteServer
{
    private const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly Lazy<Task<AzuriteServer>> Shared = new(StartAsync);
    private readonly Process _process;

    private AzuriteServer(Process process, int queuePort, int tablePort)
    {
        _process = process;
        ConnectionString =
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + DevAccountKey + ";"
            + $"QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;"
            + $"TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";
    }

    public string ConnectionString { get; }

    public static Task<AzuriteServer> GetAsync() => Shared.Value;

    private static async Task<AzuriteServer> StartAsync()
    {
        string azurite = Path.Combine(RepoPaths.Root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed. Run 'npm ci' in {RepoPaths.Root} (needs Node.js 20 or later), then run the tests again.");
        }

        // Started through a small launcher that stops Azurite when our end of its stdin closes, which happens
        // however this process ends (ProcessExit handlers do not run when a test host is killed).
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (string arg in new[]
                 {
                     Path.Combine(RepoPaths.Root, "tests", "tools", "azurite-child.mjs"), azurite, "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableTelemetry",
                     "--blobHost", "127.0.0.1", "--blobPort", "0",
                     "--queueHost", "127.0.0.1", "--queuePort", "0",
                     "--tableHost", "127.0.0.1", "--tablePort", "0",
                 })
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("Node.js is not on PATH; install Node.js 20 or later and run 'npm ci'.", ex);
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(process);
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();

        int? queuePort = null, tablePort = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while ((queuePort is null || tablePort is null) && !timeout.IsCancellationRequested)
        {
            string? line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                break;
            }

            Match listening = ListeningLine().Match(line);
            if (listening.Success)
            {
                int port = int.Parse(listening.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (listening.Groups["service"].Value == "Queue")
                {
                    queuePort = port;
                }
                else if (listening.Groups["service"].Value == "Table")
                {
                    tablePort = port;
                }
            }
        }

        if (queuePort is null || tablePort is null)
        {
            Stop(process);
            throw new InvalidOperationException("Azurite did not report its queue and table ports within 60 seconds.");
        }

        // Keep draining stdout so Azurite never blocks on a full pipe.
        _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        return new AzuriteServer(process, queuePort.Value, tablePort.Value);
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at http://127\.0\.0\.1:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}
