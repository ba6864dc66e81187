using System.Globalization;

namespace Alerts.Divisions;

/// <summary>Our id for a division, "commons-1873" or "lords-3172": each House numbers its own.</summary>
internal static class DivisionIds
{
    public const string Commons = "Commons";
    public const string Lords = "Lords";

    public static string For(string house, int divisionId) =>
        string.Create(CultureInfo.InvariantCulture, $"{house.ToLowerInvariant()}-{divisionId}");

    public static bool TryParse(string? id, out string house, out int divisionId)
    {
        house = string.Empty;
        divisionId = 0;
        if (id is null || id.Split('-') is not [var prefix, var number]
            || !int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out divisionId) || divisionId < 1)
        {
            return false;
        }

        house = prefix switch { "commons" => Commons, "lords" => Lords, _ => string.Empty };
        return house.Length > 0;
    }
}
