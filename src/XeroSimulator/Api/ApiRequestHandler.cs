using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using XeroSync.XeroSimulator.Data;
using XeroSync.XeroSimulator.Faults;
using XeroSync.XeroSimulator.Limits;

namespace XeroSync.XeroSimulator.Api;

/// <summary>GET /api.xro/2.0/{endpoint}: auth, tenant, entitlement, rate limits, faults, then the collection.</summary>
internal sealed class ApiRequestHandler
{
    private readonly SimulatorState _state;

    public ApiRequestHandler(SimulatorState state) => _state = state;

    public async Task HandleAsync(HttpContext context, string endpointName)
    {
        var now = _state.Clock.GetUtcNow();
        var tenantHeader = context.Request.Headers["xero-tenant-id"].ToString();
        var imsHeader = context.Request.Headers.IfModifiedSince.ToString();
        var definition = EndpointCatalog.Find(endpointName);
        string? problem = null;
        try
        {
            problem = await RespondAsync(context, now, definition, tenantHeader);
        }
        finally
        {
            _state.Log(new SimulatedRequest(
                now,
                string.IsNullOrEmpty(tenantHeader) ? null : tenantHeader,
                definition?.Name ?? endpointName,
                context.Request.Path + context.Request.QueryString,
                string.IsNullOrEmpty(imsHeader) ? null : imsHeader,
                context.RequestAborted.IsCancellationRequested && problem == "fault:timeout" ? 499 : context.Response.StatusCode,
                problem));
        }
    }

    private async Task<string?> RespondAsync(HttpContext context, DateTimeOffset now, EndpointDefinition? definition, string tenantHeader)
    {
        var headers = context.Response.Headers;
        headers.Date = now.ToString("r", CultureInfo.InvariantCulture);
        var hasTenant = _state.TryGetTenant(tenantHeader, out var tenant);
        WriteLimitHeaders(context, hasTenant ? _state.Limiter.Peek(tenant.Index, now) : null, now);

        var access = _state.Tokens.Validate(context.Request.Headers.Authorization.ToString());
        if (access.Grant is null)
        {
            await ProblemResponses.WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", access.FailureDetail!);
            return "unauthorized";
        }

        if (!hasTenant && string.IsNullOrEmpty(tenantHeader) && access.Grant.IsCustomConnection && access.Grant.TenantIds.Count == 1)
        {
            hasTenant = _state.TryGetTenant(access.Grant.TenantIds[0], out tenant);
        }

        if (!hasTenant || !access.Grant.TenantIds.Contains(tenant.TenantId, StringComparer.OrdinalIgnoreCase))
        {
            await ProblemResponses.WriteProblemAsync(context, StatusCodes.Status403Forbidden, "Forbidden", "AuthenticationUnsuccessful");
            return "forbidden";
        }

        if (definition is null)
        {
            await ProblemResponses.WriteTextAsync(context, StatusCodes.Status404NotFound, "The resource you're looking for cannot be found");
            return null;
        }

        if (_state.IsRetired(definition.Name))
        {
            await ProblemResponses.WriteProblemAsync(context, StatusCodes.Status410Gone, "Gone", $"The {definition.Name} endpoint has been retired and is no longer available.");
            return "retired";
        }

        if (definition.Name == "Journals" && !_state.IsJournalsEntitled(tenant.Index))
        {
            await ProblemResponses.WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", "AuthorizationUnsuccessful");
            return "not-entitled";
        }

        var decision = _state.Limiter.TryAcquire(tenant.Index, now);
        WriteLimitHeaders(context, decision, now);
        if (!decision.Allowed)
        {
            headers["X-Rate-Limit-Problem"] = decision.Problem;
            if (decision.RetryAfterSeconds is { } retryAfter)
            {
                headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            }

            await ProblemResponses.WriteTextAsync(context, StatusCodes.Status429TooManyRequests, "Rate limit exceeded");
            return decision.Problem;
        }

        try
        {
            return await ServeAsync(context, now, definition, tenant);
        }
        finally
        {
            _state.Limiter.Release(tenant.Index);
        }
    }

    private async Task<string?> ServeAsync(HttpContext context, DateTimeOffset now, EndpointDefinition definition, SimulatedTenant tenant)
    {
        var fault = _state.FaultInjector.Draw();
        var faults = _state.FaultInjector.Current;
        switch (fault)
        {
            case FaultKind.ServerError500:
                await ProblemResponses.WriteJsonAsync(context, StatusCodes.Status500InternalServerError, Encoding.UTF8.GetBytes("{\"ErrorNumber\":500,\"Type\":\"UnhandledException\",\"Message\":\"An error occurred in Xero. Check the API Status page http://status.developer.xero.com for current service status.\"}"));
                return "fault:500";
            case FaultKind.ServiceUnavailable503:
                await ProblemResponses.WriteTextAsync(context, StatusCodes.Status503ServiceUnavailable, "The service is currently unavailable");
                return "fault:503";
            case FaultKind.Timeout:
                try
                {
                    await Task.Delay(faults.TimeoutDuration, _state.Clock, context.RequestAborted);
                    await ProblemResponses.WriteTextAsync(context, StatusCodes.Status504GatewayTimeout, "Gateway Timeout");
                }
                catch (OperationCanceledException)
                {
                    // The client gave up, which is the point of this fault.
                }

                return "fault:timeout";
            case FaultKind.Slow:
                await Task.Delay(faults.SlowLatency, _state.Clock, context.RequestAborted);
                break;
            default:
                break;
        }

        var ims = IfModifiedSince.Parse(context.Request.Headers.IfModifiedSince.ToString());
        var query = context.Request.Query;
        var body = _state.Organisation(tenant).Read(now, definition.Name, c => CollectionQuery.Execute(c, query, ims, now, _state.Options.ProviderName));
        if (fault == FaultKind.Truncate)
        {
            body = body.AsSpan(0, Math.Max(1, body.Length / 2)).ToArray();
        }

        await ProblemResponses.WriteJsonAsync(context, StatusCodes.Status200OK, body);
        return fault switch { FaultKind.Slow => "fault:slow", FaultKind.Truncate => "fault:truncate", _ => null };
    }

    private void WriteLimitHeaders(HttpContext context, RateLimitDecision? decision, DateTimeOffset now)
    {
        var headers = context.Response.Headers;
        if (decision is null)
        {
            headers["X-AppMinLimit-Remaining"] = _state.Limiter.AppMinuteRemaining(now).ToString(CultureInfo.InvariantCulture);
            return;
        }

        headers["X-DayLimit-Remaining"] = decision.DayRemaining.ToString(CultureInfo.InvariantCulture);
        headers["X-MinLimit-Remaining"] = decision.MinuteRemaining.ToString(CultureInfo.InvariantCulture);
        headers["X-AppMinLimit-Remaining"] = decision.AppMinuteRemaining.ToString(CultureInfo.InvariantCulture);
    }
}
