namespace XeroSync.Xero;

/// <summary>Why a Xero call did not produce a page.</summary>
public enum XeroFailure
{
    /// <summary>5xx, timeout, connection error or truncated body after every retry: try again later.</summary>
    Transient,

    /// <summary>A 429 the caller has to act on (day limit: defer the tenant until the reset).</summary>
    RateLimited,

    /// <summary>No permit could be had within the caller's deadline (e.g. the push deadline): nack and come back.</summary>
    PermitUnavailable,

    /// <summary>The tenant's day budget is spent: defer its remaining pages until the reset.</summary>
    DayLimitReached,

    /// <summary>401/403 that a token refresh did not cure: re-authorise, or the tier has no access.</summary>
    AccessDenied,

    /// <summary>
    /// Xero no longer serves the endpoint: 410 Gone, or 404 on an endpoint whose retirement Xero announced
    /// (a collection GET never 404s otherwise). Not a failure of the run: record the endpoint as retired and skip it.
    /// </summary>
    Retired,

    /// <summary>A reconcile's call budget for the tenant is spent: the call was not made; defer the page.</summary>
    BudgetSpent,

    /// <summary>
    /// The token does not grant the endpoint's scope (known before the call, or Xero's <c>insufficient_scope</c> /
    /// <c>AuthorizationUnsuccessful</c>): skip the endpoint with the scope named, never fail the run.
    /// <see cref="XeroApiException.Detail"/> is the missing scope.
    /// </summary>
    ScopeNotGranted,

    /// <summary>400/404/other 4xx: the request is wrong; retrying will not help.</summary>
    BadRequest,
}
