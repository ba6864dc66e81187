using System.Net.Mail;
using System.Text.RegularExpressions;
using PhoneNumbers;

namespace Alerts.Supporters;

/// <summary>Validation and normalisation of what supporters give us. Each method returns an error message or null.</summary>
internal static partial class ContactValidation
{
    public const int MaxNameLength = 100;
    public const int MaxTags = 30;
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    // +44 numbers may belong to the Crown dependencies, which libphonenumber files under their own regions.
    private static readonly HashSet<string> UkRegions = ["GB", "GG", "JE", "IM"];

    /// <summary>
    /// Accepts a bare address only. MailAddress alone is too lenient: it reads "a b@c.com" as display name
    /// "a" and address "b@c.com", so the parsed address must equal the input exactly.
    /// </summary>
    public static string? NormaliseEmail(string raw, out string? error)
    {
        error = null;
        string email = raw.Trim();
        if (email.Length is 0 or > 254 || email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || email.Count(c => c == '@') != 1)
        {
            error = "Not a valid email address.";
            return null;
        }

        if (!MailAddress.TryCreate(email, out MailAddress? parsed) || parsed.Address != email || parsed.DisplayName.Length > 0)
        {
            error = "Not a valid email address.";
            return null;
        }

        string[] labels = parsed.Host.Split('.');
        if (labels.Length < 2 || labels.Any(l => l.Length is 0 or > 63))
        {
            error = "The email address's domain is not valid.";
            return null;
        }

        return parsed.User + "@" + parsed.Host.ToLowerInvariant();
    }

    /// <summary>A mobile number in E.164, UK by default; +44 numbers from Guernsey, Jersey and the Isle of Man are accepted.</summary>
    public static string? NormaliseMobile(string raw, out string? error)
    {
        error = null;
        PhoneNumber number;
        try
        {
            number = Phones.Parse(raw.Trim(), "GB");
        }
        catch (NumberParseException)
        {
            error = "Not a phone number.";
            return null;
        }

        if (number.CountryCode == 44 && number.NationalNumber is >= 7700900000 and <= 7700900999)
        {
            error = "07700 900000 to 900999 is Ofcom's range of fictional numbers (for drama and examples): no phone has one. Give a real mobile number.";
            return null;
        }

        if (number.HasExtension || !Phones.IsValidNumber(number))
        {
            error = "Not a valid phone number.";
            return null;
        }

        PhoneNumberType type = Phones.GetNumberType(number);
        if (type is not (PhoneNumberType.MOBILE or PhoneNumberType.FIXED_LINE_OR_MOBILE))
        {
            error = "Not a mobile number, so it cannot receive SMS.";
            return null;
        }

        if (number.CountryCode == 44 && !UkRegions.Contains(Phones.GetRegionCodeForNumber(number)))
        {
            error = "Not a valid UK mobile number.";
            return null;
        }

        return Phones.Format(number, PhoneNumberFormat.E164);
    }

    /// <summary>A UK postcode, upper-cased with one space before the inward code.</summary>
    public static string? NormalisePostcode(string raw, out string? error)
    {
        error = null;
        string compact = new string(raw.Where(c => !char.IsWhiteSpace(c)).ToArray()).ToUpperInvariant();
        if (!Postcode().IsMatch(compact))
        {
            error = "Not a UK postcode.";
            return null;
        }

        return compact[..^3] + " " + compact[^3..];
    }

    public static string? ValidateTag(string? tag) =>
        tag is not null && Tag().IsMatch(tag) ? null : "Tags are 1 to 40 lower-case letters, digits and hyphens, starting with a letter (e.g. 'asylum', 'modern-slavery').";

    public static string? ValidateName(string? name) =>
        name is null ? null
        : name.Length > MaxNameLength ? $"At most {MaxNameLength} characters."
        : name.Any(char.IsControl) ? "Must not contain control characters."
        : null;

    [GeneratedRegex("^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")]
    private static partial Regex Postcode();

    [GeneratedRegex("^[a-z][a-z0-9-]{0,39}$")]
    private static partial Regex Tag();
}
