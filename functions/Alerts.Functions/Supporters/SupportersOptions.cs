using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Alerts.Supporters;

public sealed class SupportersOptions
{
    public const string SectionName = "Supporters";

    /// <summary>
    /// Key for the keyed hashes (HMAC-SHA256) that stand in for email addresses and phone numbers in table
    /// keys and in the suppression list: base64 of at least 32 random bytes. Secret. Changing it orphans
    /// every lookup and suppression row, so it is set once per deployment.
    /// </summary>
    [Required]
    public string HashKey { get; set; } = string.Empty;

    [Required]
    public Uri PostcodesBaseAddress { get; set; } = new("https://api.postcodes.io/");

    [Required]
    public Uri MembersBaseAddress { get; set; } = new("https://members-api.parliament.uk/api/");

    /// <summary>How long a postcode's constituency and a constituency's MP are trusted before they are looked up again.</summary>
    public TimeSpan LookupCacheDuration { get; set; } = TimeSpan.FromDays(30);

    /// <summary>A console import of a file larger than this runs in the background, with its progress shown (smaller ones are answered at once).</summary>
    [Range(0, long.MaxValue)]
    public long BackgroundImportBytes { get; set; } = 1024 * 1024;

    /// <summary>Rows a background import reads in one function run: each run well inside the host's ten-minute limit.</summary>
    [Range(1, 1_000_000)]
    public int ImportRowsPerRun { get; set; } = 20_000;

    internal byte[] HashKeyBytes() => Convert.FromBase64String(HashKey);
}

internal sealed class SupportersOptionsValidator : IValidateOptions<SupportersOptions>
{
    public ValidateOptionsResult Validate(string? name, SupportersOptions options)
    {
        try
        {
            return options.HashKeyBytes().Length >= 32
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail("Supporters:HashKey must be base64 of at least 32 random bytes (e.g. `openssl rand -base64 32`).");
        }
        catch (FormatException)
        {
            return ValidateOptionsResult.Fail("Supporters:HashKey is not base64 (generate one with `openssl rand -base64 32`).");
        }
    }
}
