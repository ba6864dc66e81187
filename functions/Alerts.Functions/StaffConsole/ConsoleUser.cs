using System.Security.Claims;
using Alerts.Security;

namespace Alerts.StaffConsole;

/// <summary>Who is signed in to the console and what they may do: pages offer only the buttons a person may use.</summary>
public sealed record ConsoleUser(string Name, bool CanWrite, bool CanSend)
{
    internal static ConsoleUser From(ClaimsPrincipal user) =>
        new(user.Identity?.Name ?? "staff", user.HasStaffScope(StaffScopes.Write), user.HasStaffScope(StaffScopes.Send));
}
