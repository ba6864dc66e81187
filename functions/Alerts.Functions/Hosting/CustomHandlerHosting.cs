using System.Globalization;

namespace Alerts.Hosting;

/// <summary>How the process is hosted: under the Azure Functions host as its custom handler, or on its own.</summary>
internal static class CustomHandlerHosting
{
    public const string PortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    /// <summary>The Functions host sets the port variable when it starts the handler; nothing else does.</summary>
    public static bool RunsUnderFunctionsHost => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(PortVariable));

    /// <summary>
    /// Listens on 127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT when the Functions host sets it (the host always
    /// calls loopback, and nothing else should reach the handler); otherwise keeps ASP.NET Core's defaults.
    /// </summary>
    public static IWebHostBuilder UseFunctionsCustomHandlerPort(this IWebHostBuilder webHost)
    {
        string? port = Environment.GetEnvironmentVariable(PortVariable);
        if (string.IsNullOrEmpty(port))
        {
            return webHost;
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number is < 1 or > 65535)
        {
            throw new InvalidOperationException($"{PortVariable} must be a TCP port number, not '{port}'.");
        }

        return webHost.UseUrls($"http://127.0.0.1:{number}");
    }
}
