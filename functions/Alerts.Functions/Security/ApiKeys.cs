using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Alerts.Storage;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Alerts.Security;

/// <summary>What a staff key may do. Each staff endpoint requires exactly one.</summary>
public static class StaffScopes
{
    public const string Read = "read";
    public const string Write = "write";

    /// <summary>Approve campaigns, send, schedule, cancel, re-send and test-send: the sensitive flows.</summary>
    public const string Send = "send";

    public static readonly IReadOnlyList<string> All = [Read, Write, Send];
}

internal sealed record ApiKeyInfo(string Id, string Name, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>
/// Staff API keys: <c>alk.{id}.{secret}</c>, shown once at creation; only a SHA-256 of the secret is
/// stored (the secret is 256 random bits, so a plain hash is enough), and a key can be revoked.
/// </summary>
internal sealed class ApiKeyStore(AlertsStorage storage, TimeProvider time)
{
    private const string Partition = "key";
    private readonly TableClient _keys = storage.Table(Tables.ApiKeys);

    public async Task<(ApiKeyInfo Key, string Secret)> CreateAsync(string name, IReadOnlyList<string> scopes, CancellationToken cancellationToken = default)
    {
        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        string secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var info = new ApiKeyInfo(id, name, scopes, time.GetUtcNow(), null);
        await _keys.CreateIfNotExistsAsync(cancellationToken);
        await _keys.AddEntityAsync(new TableEntity(Partition, id)
        {
            ["Name"] = name,
            ["Scopes"] = string.Join(',', scopes),
            ["SecretHash"] = Hash(secret),
            ["CreatedAt"] = info.CreatedAt,
        }, cancellationToken);
        return (info, $"alk.{id}.{secret}");
    }

    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            await _keys.UpdateEntityAsync(new TableEntity(Partition, id) { ["RevokedAt"] = time.GetUtcNow() }, ETag.All, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <summary>The key a presented value belongs to, if it is genuine and not revoked.</summary>
    public async Task<ApiKeyInfo?> VerifyAsync(string presented, CancellationToken cancellationToken = default)
    {
        string[] parts = presented.Split('.');
        if (parts is not ["alk", { Length: 12 } id, { Length: > 0 } secret] || !id.All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        NullableResponse<TableEntity> row = await _keys.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: cancellationToken);
        if (!row.HasValue || row.Value!.GetDateTimeOffset("RevokedAt") is not null
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(row.Value.GetString("SecretHash") ?? "")))
        {
            return null;
        }

        return new ApiKeyInfo(id, row.Value.GetString("Name") ?? id, (row.Value.GetString("Scopes") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries),
            row.Value.GetDateTimeOffset("CreatedAt") ?? default, null);
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Authenticates staff by <c>X-Api-Key</c> (or <c>Authorization: ApiKey …</c>); the key's scopes become claims.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys, IOptions<EntraOptions> entra)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>A 401 says how to authenticate: with a key, or (when configured) an Entra ID bearer token.</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(Microsoft.Net.Http.Headers.HeaderNames.WWWAuthenticate, $"{SchemeName} header=\"X-Api-Key\"");
        if (entra.Value.IsConfigured)
        {
            Response.Headers.Append(Microsoft.Net.Http.Headers.HeaderNames.WWWAuthenticate, "Bearer");
        }

        return Task.CompletedTask;
    }

    public const string SchemeName = "ApiKey";
    public const string ScopeClaim = "scope";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? presented = Request.Headers["X-Api-Key"].FirstOrDefault();
        if (presented is null && Request.Headers.Authorization.FirstOrDefault() is { } authorization
            && authorization.StartsWith(SchemeName + " ", StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization[(SchemeName.Length + 1)..].Trim();
        }

        if (presented is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (await keys.VerifyAsync(presented, Context.RequestAborted) is not { } key)
        {
            return AuthenticateResult.Fail("Unknown or revoked API key.");
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, key.Id), new Claim(ClaimTypes.Name, key.Name), .. key.Scopes.Select(s => new Claim(ScopeClaim, s))],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}

/// <summary>Marks a staff endpoint as needing a scope other than the default for its method.</summary>
internal sealed record StaffScopeMetadata(string Scope);

internal static class StaffAuthorization
{
    public static IHostApplicationBuilder AddStaffAuthorization(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<Audit.AuditActor>();
        builder.Services.AddSingleton<Audit.AuditLog>();
        builder.Services.AddOptions<EntraOptions>().BindConfiguration(EntraOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<EntraOptions>, EntraOptionsValidator>();
        builder.Services.AddAuthentication(EntraAuthentication.StaffScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddStaffSchemes(builder.Configuration);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(StaffScopes.Read, p => p.RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, StaffScopes.Read))
            .AddPolicy(StaffScopes.Write, p => p.RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, StaffScopes.Write))
            .AddPolicy(StaffScopes.Send, p => p.RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, StaffScopes.Send));
        return builder;
    }

    /// <summary>Whether the signed-in staff member holds a scope (for a decision that depends on the request, not the route).</summary>
    public static bool HasStaffScope(this ClaimsPrincipal user, string scope) => user.HasClaim(ApiKeyAuthenticationHandler.ScopeClaim, scope);

    /// <summary>The approve-and-send scope, for the endpoints that start or stop sending.</summary>
    public static RouteHandlerBuilder RequiresSendScope(this RouteHandlerBuilder endpoint) =>
        endpoint.WithMetadata(new StaffScopeMetadata(StaffScopes.Send));

    /// <summary>
    /// Every staff endpoint requires one scope: send where marked, read for GET, write otherwise. Applied
    /// last, so an endpoint added later is covered without anyone remembering to.
    /// </summary>
    public static RouteGroupBuilder RequireStaffScopes(this RouteGroupBuilder group)
    {
        ((IEndpointConventionBuilder)group).Finally(endpoint =>
        {
            string scope = endpoint.Metadata.OfType<StaffScopeMetadata>().LastOrDefault()?.Scope
                ?? (endpoint.Metadata.OfType<HttpMethodMetadata>().All(m => m.HttpMethods.All(h => h is "GET" or "HEAD")) ? StaffScopes.Read : StaffScopes.Write);
            endpoint.Metadata.Add(new Microsoft.AspNetCore.Authorization.AuthorizeAttribute(scope));
        });
        return group;
    }
}
