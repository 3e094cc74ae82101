using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using XeroSync.XeroSimulator.Api;
using XeroSync.XeroSimulator.Data;

namespace XeroSync.XeroSimulator.Auth;

/// <summary>POST /connect/token, GET /connect/authorize and GET /connections.</summary>
internal static class IdentityEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, SimulatorState state)
    {
        routes.MapPost("/connect/token", context => TokenAsync(context, state));
        routes.MapGet("/connect/authorize", context => AuthorizeAsync(context, state));
        routes.MapGet("/connections", context => ConnectionsAsync(context, state));
    }

    private static async Task TokenAsync(HttpContext context, SimulatorState state)
    {
        context.Response.Headers.Date = state.Clock.GetUtcNow().ToString("r", CultureInfo.InvariantCulture);
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
        var grantType = form?["grant_type"].ToString() ?? "";
        var (clientId, clientSecret) = ClientCredentials(context, form);
        state.Tokens.CountCall(grantType);
        if (!state.Tokens.IsClient(clientId, clientSecret))
        {
            await WriteErrorAsync(context, "invalid_client");
            return;
        }

        var outcome = grantType switch
        {
            TokenService.GrantClientCredentials => state.Tokens.ClientCredentials(),
            TokenService.GrantAuthorizationCode => state.Tokens.RedeemCode(form?["code"], form?["redirect_uri"], form?["code_verifier"]),
            TokenService.GrantRefreshToken => state.Tokens.Refresh(form?["refresh_token"]),
            _ => TokenOutcome.Fail("unsupported_grant_type"),
        };
        if (outcome.Tokens is not { } tokens)
        {
            await WriteErrorAsync(context, outcome.Error!);
            return;
        }

        var body = new Dictionary<string, object>
        {
            ["access_token"] = tokens.AccessToken,
            ["expires_in"] = tokens.ExpiresIn,
            ["token_type"] = "Bearer",
            ["scope"] = tokens.Scope,
        };
        if (tokens.RefreshToken is not null)
        {
            body["refresh_token"] = tokens.RefreshToken;
        }

        await ProblemResponses.WriteJsonAsync(context, StatusCodes.Status200OK, JsonSerializer.SerializeToUtf8Bytes(body));
    }

    private static Task AuthorizeAsync(HttpContext context, SimulatorState state)
    {
        var query = context.Request.Query;
        var redirectUri = query["redirect_uri"].ToString();
        if (!string.Equals(query["client_id"], state.Options.ClientId, StringComparison.Ordinal) || string.IsNullOrEmpty(redirectUri)
            || !string.Equals(query["response_type"], "code", StringComparison.Ordinal))
        {
            return ProblemResponses.WriteTextAsync(context, StatusCodes.Status400BadRequest, "invalid_request");
        }

        var challenge = query["code_challenge"].ToString();
        if (!string.IsNullOrEmpty(challenge) && !string.Equals(query["code_challenge_method"], "S256", StringComparison.Ordinal))
        {
            return ProblemResponses.WriteTextAsync(context, StatusCodes.Status400BadRequest, "invalid_request: code_challenge_method must be S256");
        }

        var code = state.Tokens.Authorize(redirectUri, string.IsNullOrEmpty(challenge) ? null : challenge, query["scope"]);
        var separator = redirectUri.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var location = $"{redirectUri}{separator}code={Uri.EscapeDataString(code)}&scope={Uri.EscapeDataString(query["scope"].ToString())}&state={Uri.EscapeDataString(query["state"].ToString())}";
        context.Response.StatusCode = StatusCodes.Status302Found;
        context.Response.Headers.Location = location;
        return Task.CompletedTask;
    }

    private static async Task ConnectionsAsync(HttpContext context, SimulatorState state)
    {
        var now = state.Clock.GetUtcNow();
        context.Response.Headers.Date = now.ToString("r", CultureInfo.InvariantCulture);
        context.Response.Headers["X-AppMinLimit-Remaining"] = state.Limiter.AppMinuteRemaining(now).ToString(CultureInfo.InvariantCulture);
        var access = state.Tokens.Validate(context.Request.Headers.Authorization.ToString());
        if (access.Grant is null)
        {
            await ProblemResponses.WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", access.FailureDetail!);
            Log(context, state, now, "unauthorized");
            return;
        }

        if (state.OnServing is { } onServing)
        {
            await onServing(new SimulatedArrival(now, null, "connections", context.Request.Path + context.Request.QueryString), context.RequestAborted);
        }

        var connected = new HashSet<string>(access.Grant.TenantIds, StringComparer.OrdinalIgnoreCase);
        var created = state.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture);
        var connections = state.Tenants.Where(t => connected.Contains(t.TenantId)).Select(t =>
        {
            var random = new Random(Determinism.Mix(state.Options.Seed, t.Index, 0xC0));
            return new Dictionary<string, object>
            {
                ["id"] = random.NextGuid().ToString(),
                ["authEventId"] = random.NextGuid().ToString(),
                ["tenantId"] = t.TenantId,
                ["tenantType"] = "ORGANISATION",
                ["tenantName"] = t.Name,
                ["createdDateUtc"] = created,
                ["updatedDateUtc"] = created,
            };
        }).ToList();
        await ProblemResponses.WriteJsonAsync(context, StatusCodes.Status200OK, JsonSerializer.SerializeToUtf8Bytes(connections));
        Log(context, state, now, null);
    }

    private static void Log(HttpContext context, SimulatorState state, DateTimeOffset now, string? problem) =>
        ResponseLog.Defer(context, new SimulatedRequest(now, null, "connections", context.Request.Path + context.Request.QueryString, null, context.Response.StatusCode, problem));

    private static (string? Id, string? Secret) ClientCredentials(HttpContext context, IFormCollection? form)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                if (colon >= 0)
                {
                    return (Uri.UnescapeDataString(decoded[..colon]), Uri.UnescapeDataString(decoded[(colon + 1)..]));
                }
            }
            catch (FormatException)
            {
                return (null, null);
            }
        }

        return (form?["client_id"], form?["client_secret"]);
    }

    private static Task WriteErrorAsync(HttpContext context, string error) =>
        ProblemResponses.WriteJsonAsync(context, StatusCodes.Status400BadRequest, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["error"] = error }));
}
