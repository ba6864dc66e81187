using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Alerts.Storage;

namespace Alerts.Hosting;

/// <summary>The README's configuration table and the options classes describe the same settings, with the same defaults.</summary>
public sealed partial class ConfigurationReferenceTests
{
    // Settings read outside an options class, each for a reason given in its row.
    private static readonly string[] NotInOptionsClasses =
    [
        "Triggers__RunLocally", "WatchBills__Schedule", "WatchDivisions__Schedule", "StartScheduledCampaigns__Schedule", "EnrichPendingSupporters__Schedule", "SweepImports__Schedule",
        "APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "AZURE_CLIENT_ID",
    ];

    // StorageOptions binds by hand, because AzureWebJobsStorage is both a value and a section (the Functions convention).
    private static readonly Dictionary<string, string> StorageSettings = new()
    {
        [nameof(StorageOptions.ConnectionString)] = "AzureWebJobsStorage",
        [nameof(StorageOptions.AccountName)] = "AzureWebJobsStorage__accountName",
        [nameof(StorageOptions.TableServiceUri)] = "AzureWebJobsStorage__tableServiceUri",
        [nameof(StorageOptions.QueueServiceUri)] = "AzureWebJobsStorage__queueServiceUri",
        [nameof(StorageOptions.ClientId)] = "AzureWebJobsStorage__clientId",
        [nameof(StorageOptions.NamePrefix)] = "Storage__NamePrefix",
    };

    private sealed record Row(IReadOnlyList<string> Settings, string Default, string Secret);

    private static List<Row> ReadTable()
    {
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        string section = readme[readme.IndexOf("## Configuration\n", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 5, StringComparison.Ordinal)];
        return section.Split('\n')
            .Where(line => line.StartsWith("| `", StringComparison.Ordinal))
            .Select(line => line.Split('|', StringSplitOptions.TrimEntries))
            .Select(cells => new Row(Code().Matches(cells[1]).Select(m => m.Groups[1].Value).ToList(), cells[3], cells[4]))
            .ToList();
    }

    private static IEnumerable<(string Setting, object? Default)> OptionsSettings()
    {
        Type[] optionsTypes = typeof(StorageOptions).Assembly.GetTypes()
            .Where(t => t.IsClass && t.Name.EndsWith("Options", StringComparison.Ordinal)
                        && t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true })
            .ToArray();
        Assert.True(optionsTypes.Length >= 7, string.Join(", ", optionsTypes.Select(t => t.Name)));
        foreach (Type type in optionsTypes)
        {
            object instance = Activator.CreateInstance(type)!;
            string section = (string)type.GetField("SectionName")!.GetValue(null)!;
            foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true))
            {
                string setting = type == typeof(StorageOptions) ? StorageSettings[property.Name] : $"{section}__{property.Name}";
                yield return (setting, property.GetValue(instance));
            }
        }
    }

    [Fact]
    public void EverySettingOfTheOptionsClasses_IsDocumented_WithItsDefault()
    {
        List<Row> rows = ReadTable();
        foreach ((string setting, object? value) in OptionsSettings())
        {
            Row? row = rows.FirstOrDefault(r => r.Settings.Contains(setting));
            Assert.True(row is not null, $"{setting} is not in the README's configuration table");
            string? expected = value switch
            {
                null or "" => null,
                TimeOnly t => t.ToString("HH:mm", CultureInfo.InvariantCulture),
                TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
                bool b => b ? "true" : "false",
                _ => Convert.ToString(value, CultureInfo.InvariantCulture),
            };
            if (expected is null)
            {
                Assert.True(row.Default.Contains("unset", StringComparison.Ordinal) || row.Default.Contains('–') || row.Default.Contains("empty", StringComparison.Ordinal)
                            || row.Default.Contains("from the", StringComparison.Ordinal) || row.Default.Contains("system-assigned", StringComparison.Ordinal),
                    $"{setting} has no default in code, but the table says '{row.Default}'");
            }
            else
            {
                Assert.True(row.Default.Contains($"`{expected}`", StringComparison.Ordinal), $"{setting} defaults to {expected} in code, but the table says '{row.Default}'");
            }
        }
    }

    [Fact]
    public void EveryDocumentedSetting_Exists()
    {
        var known = OptionsSettings().Select(s => s.Setting).Concat(NotInOptionsClasses).ToHashSet(StringComparer.Ordinal);
        foreach (string setting in ReadTable().SelectMany(r => r.Settings).Where(s => s.Contains("__", StringComparison.Ordinal) || s.All(c => char.IsUpper(c) || c == '_') || s == "AzureWebJobsStorage"))
        {
            bool resilience = setting.EndsWith("__Resilience__…", StringComparison.Ordinal) || setting.Contains("__Resilience__", StringComparison.Ordinal);
            Assert.True(known.Contains(setting) || resilience, $"The README documents {setting}, which nothing reads");
        }
    }

    [Fact]
    public void EverySecret_IsMarkedSecret()
    {
        string[] secrets = ["Supporters__HashKey", "Alerting__UnsubscribeSigningKey", "SendGrid__ApiKey", "Twilio__AuthToken", "Twilio__ApiKeySecret"];
        List<Row> rows = ReadTable();

        Assert.All(secrets, s => Assert.Contains("yes", rows.Single(r => r.Settings.Contains(s)).Secret, StringComparison.Ordinal));
    }

    [GeneratedRegex("`([A-Za-z_][A-Za-z0-9_…]*(?:__[A-Za-z0-9_…]+)*)`")]
    private static partial Regex Code();
}
