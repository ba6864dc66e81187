using System.Diagnostics;
using System.IO.Compression;

namespace Alerts.Hosting;

/// <summary>The documented publish command produces the function-app root and its zip.</summary>
public sealed class PublishLayoutTests : IDisposable
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), "alerts-publish-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }

    [Fact]
    public async Task PublishScript_ProducesTheFunctionAppRootAndAZipWithAnExecutableHandler()
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine("eng", "publish.sh"));
        start.ArgumentList.Add(_output);
        using Process publish = Process.Start(start)!;
        Task<string> stdout = publish.StandardOutput.ReadToEndAsync();
        Task<string> stderr = publish.StandardError.ReadToEndAsync();
        await publish.WaitForExitAsync();
        Assert.True(publish.ExitCode == 0, await stdout + await stderr);

        string[] functions = Directory.GetDirectories(RepoPaths.FunctionsFolder)
            .Where(d => File.Exists(Path.Combine(d, "function.json")))
            .Select(d => Path.GetFileName(d)).ToArray();
        string app = Path.Combine(_output, "app");
        Assert.True(File.Exists(Path.Combine(app, "host.json")));
        Assert.All(functions, f => Assert.True(File.Exists(Path.Combine(app, f, "function.json")), f));
        Assert.True(File.Exists(Path.Combine(app, "Alerts.Functions")));
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(Path.Combine(app, "Alerts.Functions")).HasFlag(UnixFileMode.UserExecute));
        Assert.False(File.Exists(Path.Combine(app, "appsettings.Development.json")));

        using ZipArchive zip = ZipFile.OpenRead(Path.Combine(_output, "alerts-functionapp.zip"));
        var entries = zip.Entries.ToDictionary(e => e.FullName);
        Assert.Contains("host.json", entries.Keys);
        Assert.All(functions, f => Assert.Contains($"{f}/function.json", entries.Keys));
        // Unix permissions live in the high 16 bits of the external attributes.
        int mode = (entries["Alerts.Functions"].ExternalAttributes >> 16) & 0x1FF;
        Assert.True((mode & 0x40) != 0, $"the handler's mode in the zip is {Convert.ToString(mode, 8)}, not executable");
    }
}
