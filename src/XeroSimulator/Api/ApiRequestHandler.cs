using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using XeroSync.XeroSimulator.Auth;
using XeroSync.XeroSimulator.Data;
using XeroSync.XeroSimulator.Faults;
using XeroSync.XeroSimulator.Limits;

namespace XeroSync.XeroSimulator.Api;

/// <summary>GET /api.xro/2.0/{endpoint} and /{endpoint}/{id}: auth, tenant, entitlement and scope, rate limits, faults, then the records.</summary>
internal sealed class ApiRequestHandler
{
    private readonly SimulatorState _state;

    /// <summary>
    /// The longest URL Xero serves: past it, 404 "The resource you're looking for cannot be found" (Xero-NetStandard #471:
    /// GET /Contacts?IDs=... fails once the URL exceeds 2,091 characters; Xero-OpenAPI #534, xero-node #404: 53 ids fail).
    /// </summary>
    public const int MaxUrlLength = 2091;

    public ApiRequestHandler(SimulatorState state) => _state = state;

    /// <summary>The request's URL as Xero would see it: https://api.xero.com, then the path and query as sent.</summary>
    private static int XeroUrlLength(HttpRequest request) => "https://api.xero.com".Length + request.Path.ToUriComponent().Length + request.QueryString.ToUriComponent().Length;

    public async Task HandleAsync(HttpContext context, string endpointName, string? recordId = null)
    {
        var now = _state.Clock.GetUtcNow();
        var tenantHeader = context.Request.Headers["xero-tenant-id"].ToString();
        var imsHeader = context.Request.Headers.IfModifiedSince.ToString();
        var report = string.Equals(endpointName, "Reports", StringComparison.OrdinalIgnoreCase) ? recordId : null;
        var definition = report is null ? EndpointCatalog.Find(endpointName) : null;
        (string? Problem, FaultKind Fault) outcome = (null, FaultKind.None);
        try
        {
            outcome = await RespondAsync(context, now, definition, tenantHeader, recordId, report);
        }
        finally
        {
            ResponseLog.Defer(context, new SimulatedRequest(
                now,
                string.IsNullOrEmpty(tenantHeader) ? null : tenantHeader,
                definition?.Name ?? (report is null ? endpointName : "Reports/" + report),
                context.Request.Path + context.Request.QueryString,
                string.IsNullOrEmpty(imsHeader) ? null : imsHeader,
                context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted ? 499 : context.Response.StatusCode,
                outcome.Problem,
                FaultInjector.Name(outcome.Fault)));
        }
    }

    private async Task<(string? Problem, FaultKind Fault)> RespondAsync(HttpContext context, DateTimeOffset now, EndpointDefinition? definition, string tenantHeader, string? recordId, string? report)
    {
        var headers = context.Response.Headers;
        headers.Date = now.ToString("r", CultureInfo.InvariantCulture);
        if (XeroUrlLength(context.Request) > MaxUrlLength)
        {
            // Xero's gateway: a longer URL is answered 404 before anything else is looked at.
            await ProblemResponses.WriteTextAsync(context, StatusCodes.Status404NotFound, "The resource you're looking for cannot be found");
            return ("url-too-long", FaultKind.None);
        }

        var hasTenant = _state.TryGetTenant(tenantHeader, out var tenant);
        WriteLimitHeaders(context, hasTenant ? _state.Limiter.Peek(tenant.Index, now) : null, now);

        var access = _state.Tokens.Validate(context.Request.Headers.Authorization.ToString());
        if (access.Grant is null)
        {
            await ProblemResponses.WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", access.FailureDetail!);
            return ("unauthorized", FaultKind.None);
        }

        if (!hasTenant && string.IsNullOrEmpty(tenantHeader) && access.Grant.IsCustomConnection && access.Grant.TenantIds.Count == 1)
        {
            hasTenant = _state.TryGetTenant(access.Grant.TenantIds[0], out tenant);
        }

        if (!hasTenant || !access.Grant.TenantIds.Contains(tenant.TenantId, StringComparer.OrdinalIgnoreCase))
        {
            await ProblemResponses.WriteProblemAsync(context, StatusCodes.Status403Forbidden, "Forbidden", "AuthenticationUnsuccessful");
            return ("forbidden", FaultKind.None);
        }

        if (report is not null)
        {
            return (await RespondReportAsync(context, now, tenant, access.Grant, report), FaultKind.None);
        }

        if (definition is null || (recordId is not null && definition.Name == "Organisation"))
        {
            await ProblemResponses.WriteTextAsync(context, StatusCodes.Status404NotFound, "The resource you're looking for cannot be found");
            return (null, FaultKind.None);
        }

        if (_state.IsRetired(definition.Name))
        {
            await ProblemResponses.WriteProblemAsync(context, StatusCodes.Status410Gone, "Gone", $"The {definition.Name} endpoint has been retired and is no longer available.");
            return ("retired", FaultKind.None);
        }

        if (definition.Name == "Journals" && !_state.IsJournalsEntitled(tenant.Index))
        {
            await ProblemResponses.WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", "AuthorizationUnsuccessful");
            return ("not-entitled", FaultKind.None);
        }

        var injected = _state.FaultInjector.DrawBeforeLimits(FaultKey(context, tenant));
        if (injected == FaultKind.RevokeAccessTokens)
        {
            _state.Tokens.RevokeAccessTokens();
            await ProblemResponses.WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", _state.Tokens.Validate(context.Request.Headers.Authorization.ToString()).FailureDetail!);
            return ("unauthorized", injected);
        }

        if (injected != FaultKind.None)
        {
            return (await WriteInjectedThrottleAsync(context, injected), injected);
        }

        if (definition.Name == "Budgets" && _state.Behaviour.RequireBudgetsScope && !access.Grant.HasScope("accounting.budgets.read"))
        {
            await ProblemResponses.WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", "AuthorizationUnsuccessful");
            return ("missing-scope", FaultKind.None);
        }

        if ((_state.Options.EnforceScopes || _state.Options.NewApp) && !ScopeTable.Allows(definition.Name, _state.Tokens.ScopesOf(access.Grant)))
        {
            headers.WWWAuthenticate = "Bearer error=\"insufficient_scope\"";
            await ProblemResponses.WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", "AuthorizationUnsuccessful");
            return ("missing-scope", FaultKind.None);
        }

        if (await AcquireAsync(context, tenant, now) is { } throttled)
        {
            return (throttled, FaultKind.None);
        }

        try
        {
            if (_state.OnServing is { } onServing)
            {
                await onServing(new SimulatedArrival(now, tenant.TenantId, definition.Name, context.Request.Path + context.Request.QueryString), context.RequestAborted);
                if (context.RequestAborted.IsCancellationRequested)
                {
                    return ("aborted", FaultKind.None);
                }
            }

            return await ServeAsync(context, now, definition, tenant, recordId);
        }
        finally
        {
            _state.Limiter.Release(tenant.Index);
        }
    }

    /// <summary>Takes a call from the tenant's limits; when refused, writes the 429 and returns its problem.</summary>
    private async Task<string?> AcquireAsync(HttpContext context, SimulatedTenant tenant, DateTimeOffset now)
    {
        var decision = _state.Limiter.TryAcquire(tenant.Index, now);
        WriteLimitHeaders(context, decision, now);
        if (decision.Allowed)
        {
            return null;
        }

        context.Response.Headers["X-Rate-Limit-Problem"] = decision.Problem;
        if (decision.RetryAfterSeconds is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        }

        await ProblemResponses.WriteTextAsync(context, StatusCodes.Status429TooManyRequests, "Rate limit exceeded");
        return decision.Problem;
    }

    /// <summary>
    /// GET /Reports/TrialBalance and /Reports/BalanceSheet ?date=YYYY-MM-DD (default: today): the organisation's report from
    /// its own ledger, under its scope (accounting.reports.trialbalance.read, accounting.reports.balancesheet.read, or the
    /// broad accounting.reports.read) and the same rate limits as a list call.
    /// </summary>
    private async Task<string?> RespondReportAsync(HttpContext context, DateTimeOffset now, SimulatedTenant tenant, AccessGrant grant, string report)
    {
        var balanceSheet = string.Equals(report, "BalanceSheet", StringComparison.OrdinalIgnoreCase);
        if (!balanceSheet && !string.Equals(report, "TrialBalance", StringComparison.OrdinalIgnoreCase))
        {
            await ProblemResponses.WriteTextAsync(context, StatusCodes.Status404NotFound, "The resource you're looking for cannot be found");
            return null;
        }

        if ((_state.Options.EnforceScopes || _state.Options.NewApp) && !ScopeTable.Allows(balanceSheet ? "Reports/BalanceSheet" : "Reports/TrialBalance", _state.Tokens.ScopesOf(grant)))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"insufficient_scope\"";
            await ProblemResponses.WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", "AuthorizationUnsuccessful");
            return "missing-scope";
        }

        if (await AcquireAsync(context, tenant, now) is { } throttled)
        {
            return throttled;
        }

        try
        {
            var text = context.Request.Query["date"].ToString();
            var date = DateOnly.FromDateTime(now.UtcDateTime);
            if (text.Length > 0 && !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
            {
                var invalid = QueryResult.ValidationError($"The date parameter '{text}' is not a date: use YYYY-MM-DD.");
                await ProblemResponses.WriteJsonAsync(context, invalid.Status, invalid.Body);
                return null;
            }

            var organisation = _state.Organisation(tenant);
            var body = balanceSheet
                ? organisation.BalanceSheet(now, date, _state.Behaviour.UnbookedJournalNumbers, _state.Options.ProviderName)
                : organisation.TrialBalance(now, date, _state.Behaviour.UnbookedJournalNumbers, _state.Options.ProviderName);
            await ProblemResponses.WriteJsonAsync(context, StatusCodes.Status200OK, body);
            return null;
        }
        finally
        {
            _state.Limiter.Release(tenant.Index);
        }
    }

    /// <summary>A 429 the limiter did not decide: same headers as a real one, nothing consumed.</summary>
    private async Task<string> WriteInjectedThrottleAsync(HttpContext context, FaultKind fault)
    {
        var faults = _state.FaultInjector.Current;
        var headers = context.Response.Headers;
        var (problem, retryAfter) = fault switch
        {
            FaultKind.MinuteThrottle => (RateLimitProblem.Minute, (TimeSpan?)faults.ThrottleRetryAfter),
            FaultKind.AppMinuteThrottle => (RateLimitProblem.AppMinute, faults.ThrottleRetryAfter),
            FaultKind.DayThrottle => (RateLimitProblem.Day, faults.DayRetryAfter),
            _ => (RateLimitProblem.Concurrent, null),
        };
        if (fault == FaultKind.MinuteThrottle)
        {
            headers["X-MinLimit-Remaining"] = "0";
        }
        else if (fault == FaultKind.DayThrottle)
        {
            headers["X-DayLimit-Remaining"] = "0";
        }
        else if (fault == FaultKind.AppMinuteThrottle)
        {
            headers["X-AppMinLimit-Remaining"] = "0";
        }

        headers["X-Rate-Limit-Problem"] = problem;
        if (retryAfter is { } delay)
        {
            headers.RetryAfter = ((long)Math.Max(1, Math.Ceiling(delay.TotalSeconds))).ToString(CultureInfo.InvariantCulture);
        }

        await ProblemResponses.WriteTextAsync(context, StatusCodes.Status429TooManyRequests, "Rate limit exceeded");
        return problem;
    }

    private async Task<(string? Problem, FaultKind Fault)> ServeAsync(HttpContext context, DateTimeOffset now, EndpointDefinition definition, SimulatedTenant tenant, string? recordId)
    {
        var faults = _state.FaultInjector.Current;
        if (faults.FailingRequests.Any(r => r.Matches(definition.Name, context.Request.Query, recordId)))
        {
            await ProblemResponses.WriteJsonAsync(context, StatusCodes.Status500InternalServerError, Encoding.UTF8.GetBytes("{\"ErrorNumber\":500,\"Type\":\"UnhandledException\",\"Message\":\"An error occurred in Xero.\"}"));
            return ("fault:targeted", FaultKind.None);
        }

        var fault = _state.FaultInjector.Draw(FaultKey(context, tenant));
        switch (fault)
        {
            case FaultKind.ServerError500:
                await ProblemResponses.WriteJsonAsync(context, StatusCodes.Status500InternalServerError, Encoding.UTF8.GetBytes("{\"ErrorNumber\":500,\"Type\":\"UnhandledException\",\"Message\":\"An error occurred in Xero. Check the API Status page http://status.developer.xero.com for current service status.\"}"));
                return ("fault:500", fault);
            case FaultKind.ServiceUnavailable503:
                await ProblemResponses.WriteTextAsync(context, StatusCodes.Status503ServiceUnavailable, "The service is currently unavailable");
                return ("fault:503", fault);
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

                return ("fault:timeout", fault);
            case FaultKind.Slow:
                await Task.Delay(faults.SlowLatency, _state.Clock, context.RequestAborted);
                break;
            default:
                break;
        }

        var ims = IfModifiedSince.Parse(context.Request.Headers.IfModifiedSince.ToString());
        var query = context.Request.Query;
        var behaviour = _state.Behaviour;
        var organisation = _state.Organisation(tenant);
        var result = organisation.Read(now, definition.Name, c =>
        {
            var answer = recordId is null
                ? CollectionQuery.Execute(c, query, ims, now, _state.Options.ProviderName, behaviour)
                : CollectionQuery.Single(c, recordId, r => SimulatorState.DetailJson(organisation, c, r, CollectionQuery.FourDecimals(definition, query)), now, _state.Options.ProviderName);
            if (answer.Status == StatusCodes.Status200OK)
            {
                // Inside the organisation's lock: a change due after this request lands before any later request reads.
                _state.OnServed(tenant, definition.Name);
            }

            return answer;
        });
        if (result.Status == StatusCodes.Status404NotFound)
        {
            await ProblemResponses.WriteTextAsync(context, result.Status, "The resource you're looking for cannot be found");
            return (null, fault);
        }

        var body = result.Body;
        if (fault == FaultKind.Truncate && result.Status == StatusCodes.Status200OK)
        {
            body = body.AsSpan(0, Math.Max(1, body.Length / 2)).ToArray();
        }

        await ProblemResponses.WriteJsonAsync(context, result.Status, body);
        return (fault switch { FaultKind.Slow => "fault:slow", FaultKind.Truncate => "fault:truncate", _ => null }, fault);
    }

    /// <summary>What makes two requests "the same" for fault draws: tenant, path and query, If-Modified-Since.</summary>
    private static string FaultKey(HttpContext context, SimulatedTenant tenant) =>
        $"{tenant.TenantId}|{context.Request.Path}{context.Request.QueryString}|{context.Request.Headers.IfModifiedSince}";

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
