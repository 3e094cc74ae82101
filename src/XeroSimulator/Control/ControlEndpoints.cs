using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace XeroSync.XeroSimulator.Control;

/// <summary>JSON control API under /_sim for out-of-process tests.</summary>
internal static class ControlEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, SimulatorState state)
    {
        routes.MapPost("/_sim/advance", (double minutes) =>
        {
            if (state.Clock is not AdjustableTimeProvider adjustable)
            {
                return Results.Conflict(new { error = "The simulator clock is not an AdjustableTimeProvider." });
            }

            adjustable.Advance(TimeSpan.FromMinutes(minutes));
            return Results.Ok(new { now = adjustable.GetUtcNow() });
        });
        routes.MapGet("/_sim/now", () => Results.Ok(new { now = state.Clock.GetUtcNow() }));
        routes.MapGet("/_sim/faults", () => Results.Ok(state.Faults));
        routes.MapPost("/_sim/faults", (SimulatorFaults faults) =>
        {
            state.SetFaults(faults);
            return Results.Ok(state.Faults);
        });
        routes.MapGet("/_sim/retired", () => Results.Ok(state.RetiredEndpoints.Order(StringComparer.Ordinal)));
        routes.MapPost("/_sim/retired", (string? endpoints) =>
        {
            var names = (endpoints ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (names.Any(n => XeroSync.XeroSimulator.Data.EndpointCatalog.Find(n) is null))
            {
                return Results.BadRequest(new { error = "unknown endpoint" });
            }

            state.SetRetiredEndpoints(names);
            return Results.Ok(state.RetiredEndpoints.Order(StringComparer.Ordinal));
        });
        routes.MapPost("/_sim/revoke", () =>
        {
            state.RevokeTokens();
            return Results.Ok(new { revoked = true });
        });
        routes.MapPost("/_sim/scopes/withdraw", (string scope) =>
        {
            state.WithdrawScope(scope);
            return Results.Ok(new { withdrawn = scope });
        });
        routes.MapPost("/_sim/refresh-token", (string? tenantIds, string? scope) =>
        {
            var ids = string.IsNullOrEmpty(tenantIds) ? [] : tenantIds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return Results.Ok(new { refresh_token = string.IsNullOrWhiteSpace(scope) ? state.IssueRefreshToken(ids) : state.IssueRefreshTokenWithScope(scope, ids) });
        });
        routes.MapGet("/_sim/behaviour", () => Results.Ok(state.Behaviour));
        routes.MapPost("/_sim/behaviour", (SimulatorBehaviour behaviour) =>
        {
            try
            {
                state.SetBehaviour(behaviour);
                return Results.Ok(state.Behaviour);
            }
            catch (ArgumentException ex)
            {
                return Results.BadRequest(new { error = ex.Message });
            }
        });
        routes.MapPost("/_sim/webhooks", (string url, string key) =>
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var target) || target.Scheme is not ("http" or "https") || string.IsNullOrEmpty(key))
            {
                return Results.BadRequest(new { error = "url must be an absolute http(s) URL and key non-empty" });
            }

            try
            {
                state.StartWebhooks(target, key);
                return Results.Ok(new { sending = target });
            }
            catch (InvalidOperationException ex)
            {
                return Results.Conflict(new { error = ex.Message });
            }
        });
        routes.MapGet("/_sim/webhooks", () => Results.Ok(new { intent_to_receive = state.Webhooks?.IntentToReceive, deliveries = state.Webhooks?.Deliveries ?? [] }));
        routes.MapGet("/_sim/changes", () => Results.Ok(state.Changes));
        routes.MapPost("/_sim/changes", (ChangeRequest change) =>
        {
            if (!state.TryGetTenant(change.TenantId, out _) || !state.Endpoints.Contains(change.Endpoint, StringComparer.OrdinalIgnoreCase))
            {
                return Results.NotFound();
            }

            try
            {
                return Results.Ok(state.ApplyChange(change.TenantId, change.Endpoint, change.Kind, change.RecordId, change.Position));
            }
            catch (ArgumentException ex)
            {
                return Results.BadRequest(new { error = ex.Message });
            }
        });
        routes.MapGet("/_sim/records/{tenantId}/{endpoint}/ids", (string tenantId, string endpoint) =>
            state.TryGetTenant(tenantId, out _) && state.Endpoints.Contains(endpoint, StringComparer.OrdinalIgnoreCase)
                ? Results.Ok(new { ids = state.ListedIds(tenantId, endpoint), deleted = state.DeletedIds(tenantId, endpoint) })
                : Results.NotFound());
        routes.MapGet("/_sim/tenants", () => Results.Ok(state.Tenants));
        routes.MapGet("/_sim/requests/count", (string? tenantId) => Results.Ok(new
        {
            apiCalls = state.ApiCalls(tenantId),
            throttled = state.Throttled(tenantId),
            requests = state.Requests.Count,
        }));
        routes.MapPost("/_sim/requests/reset", () =>
        {
            state.ResetRequestLog();
            return Results.Ok(new { reset = true });
        });
        routes.MapGet("/_sim/tokens/count", () => Results.Ok(new
        {
            clientCredentials = state.ClientCredentialsTokenCalls,
            authorizationCode = state.AuthorizationCodeTokenCalls,
            refreshToken = state.RefreshTokenCalls,
        }));
        routes.MapGet("/_sim/records/{tenantId}/{endpoint}/count", (string tenantId, string endpoint, string? since) =>
        {
            if (!state.TryGetTenant(tenantId, out _) || !state.Endpoints.Contains(endpoint, StringComparer.OrdinalIgnoreCase))
            {
                return Results.NotFound();
            }

            var count = since is null
                ? state.Count(tenantId, endpoint)
                : state.CountModifiedSince(tenantId, endpoint, DateTimeOffset.Parse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
            return Results.Ok(new { count });
        });
    }
}
