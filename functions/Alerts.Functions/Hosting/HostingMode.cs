namespace Alerts.Hosting;

/// <summary>
/// How this process runs: as the isolated worker of an Azure Functions host, or on its own. The host starts
/// its worker with <c>--functions-uri</c> (the gRPC endpoint it must call back; the worker cannot start
/// without it), directly or through FunctionsNetHost, which passes the same arguments on. Nothing else
/// does, so that argument is the signal.
/// </summary>
internal sealed record HostingMode(bool UnderFunctionsHost)
{
    public static bool IsFunctionsHost(string[] args) => args.Contains("--functions-uri", StringComparer.Ordinal);
}
