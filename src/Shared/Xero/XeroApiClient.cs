using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using XeroSync.RateLimiting;
using XeroSync.TieOut;

namespace XeroSync.Xero;

/// <summary>
/// Typed client of the Xero Accounting API: tenant discovery and page reads. Every attempt takes a
/// permit from the rate limiter and feeds the response's limit headers back; 5xx, timeouts, connection
/// errors and truncated bodies are retried with jitter (never 400/403/404); one token refresh on a 401.
/// </summary>
public sealed partial class XeroApiClient
{
    private const int MaxThrottlesPerPage = 20;

    /// <summary>The largest Content-Length trusted to size the body's buffer up front (a page is a few MB at most).</summary>
    private const int MaxPresizedBody = 64 * 1024 * 1024;
    private readonly HttpClient _http;
    private readonly IAccessTokenSource _tokens;
    private readonly IRateLimiter _limiter;
    private readonly XeroOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<XeroApiClient> _logger;
    private readonly ResiliencePipeline _transientRetry;
    private readonly ResiliencePipeline _attemptTimeout;

    public XeroApiClient(HttpClient http, IAccessTokenSource tokens, IRateLimiter limiter, IOptions<XeroOptions> options, TimeProvider time, ILogger<XeroApiClient> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _tokens = tokens;
        _limiter = limiter;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _transientRetry = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                MaxRetryAttempts = _options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryBaseDelay,
                MaxDelay = TimeSpan.FromSeconds(30),
                OnRetry = args =>
                {
                    Log.Retrying(_logger, args.AttemptNumber + 1, args.Outcome.Exception?.GetType().Name ?? "unknown", args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

        // The attempt timeout covers one HTTP exchange only: waiting for a permit is bounded by the delivery's deadline instead.
        _attemptTimeout = new ResiliencePipelineBuilder { TimeProvider = time }.AddTimeout(_options.AttemptTimeout).Build();
    }

    /// <summary>The organisations this connection may read (<c>GET /connections</c>).</summary>
    public async Task<IReadOnlyList<XeroConnection>> GetConnectionsAsync(CancellationToken cancellationToken)
    {
        var connections = await _transientRetry.ExecuteAsync(
            async ct =>
            {
                var token = await _tokens.GetAccessTokenAsync(forceRefresh: false, ct);
                return await _attemptTimeout.ExecuteAsync(
                    async (token, ct) =>
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_options.ApiUrl, "connections"));
                        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                        await ThrowIfFailedAsync(response, null, ct);
                        return await response.Content.ReadFromJsonAsync(XeroJsonContext.Default.ListXeroConnection, ct) ?? [];
                    },
                    token,
                    ct);
            },
            cancellationToken);
        return connections.Where(c => Identifiers.IsValidTenantId(c.TenantId)).ToList();
    }

    /// <summary>
    /// Reads one record by id (<c>GET /{Endpoint}/{id}</c>: budgets with lines, contact groups with members), with the
    /// same permits, retries and raw bytes as a page; the page's <see cref="XeroPage.Records"/> holds the one record.
    /// A record Xero no longer has is a <see cref="XeroApiException"/> with <see cref="XeroFailure.BadRequest"/> and status 404.
    /// </summary>
    public Task<XeroPage> GetRecordAsync(string tenantId, XeroEndpoint endpoint, string recordId, DateTimeOffset? deadline, CancellationToken cancellationToken) =>
        GetPageAsync(PageQuery.ForRecord(tenantId, endpoint, recordId, deadline), null, cancellationToken);

    /// <summary>
    /// One of Xero's reports of the tenant at <paramref name="date"/> (<c>GET /Reports/{name}?date=YYYY-MM-DD</c>), the
    /// report object's raw JSON, under the same permits, retries and token refresh as a page. Needs the report's granular
    /// scope (<see cref="XeroScopes.TrialBalance"/>, <see cref="XeroScopes.BalanceSheet"/>) or the broad
    /// <c>accounting.reports.read</c>: without it, a <see cref="XeroApiException"/> with <see cref="XeroFailure.ScopeNotGranted"/>
    /// naming the scope, and no call when the token's scopes are known.
    /// </summary>
    public async Task<byte[]> GetReportAsync(string tenantId, XeroReport report, DateOnly date, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        if (!Identifiers.IsValidTenantId(tenantId))
        {
            throw new ArgumentException($"'{Identifiers.Printable(tenantId)}' is not a Xero tenant id.", nameof(tenantId));
        }

        var (path, table) = report == XeroReport.BalanceSheet ? ("Reports/BalanceSheet", "balance_sheet") : ("Reports/TrialBalance", "trial_balance");
        var endpoint = new XeroEndpoint(path, table, "Reports", "ReportID", PagingStyle.None, 0, false, null, ExtraQuery: "date=" + date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        using var page = await GetPageAsync(new PageQuery(tenantId, endpoint, 0, null, null, deadline), cancellationToken);
        return page.Count == 1
            ? page.RecordJson(0).ToArray()
            : throw new XeroApiException(XeroFailure.BadRequest, 200, string.Create(CultureInfo.InvariantCulture, $"Xero's {path} response holds {page.Count} reports, not one."));
    }

    /// <summary>
    /// Reads one page. Throws <see cref="XeroApiException"/> when no page can be had; its
    /// <see cref="XeroApiException.Failure"/> says whether to defer, nack, skip or fail.
    /// </summary>
    public Task<XeroPage> GetPageAsync(PageQuery query, CancellationToken cancellationToken) => GetPageAsync(query, null, cancellationToken);

    /// <summary>
    /// Reads one page, its first attempt made under <paramref name="permit"/> when one was taken for it
    /// (<see cref="AcquirePermitAsync"/>: the attempt releases it once its request went out); further attempts take their
    /// own. A permit no attempt used stays the caller's to give back (<see cref="XeroPermit.ReturnUnusedAsync"/>, which
    /// does nothing once the permit was released).
    /// </summary>
    public async Task<XeroPage> GetPageAsync(PageQuery query, XeroPermit? permit, CancellationToken cancellationToken)
    {
        ThrowIfInvalid(query);
        var counters = new CallCounters { Taken = permit };
        var refreshedToken = false;
        while (true)
        {
            try
            {
                return await _transientRetry.ExecuteAsync(
                    static (state, ct) => state.Client.SendPageAsync(state.Query, state.Counters, state.Refresh, ct),
                    (Client: this, Query: query, Counters: counters, Refresh: refreshedToken),
                    cancellationToken);
            }
            catch (XeroApiException ex) when (ex.Failure == XeroFailure.RateLimited && counters.Throttles < MaxThrottlesPerPage)
            {
                // The limiter has been told; waiting for the next permit is the back-off. A day 429 whose reset is not close
                // at hand makes the next permit a day-limit denial (DayLimitReached): the page is deferred, not retried.
                continue;
            }
            catch (XeroApiException ex) when (ex.Failure == XeroFailure.AccessDenied && ex.StatusCode == 401 && !refreshedToken && IsExpiredToken(ex.Detail))
            {
                refreshedToken = true;
            }
            catch (XeroApiException ex)
            {
                // The calls and bytes were spent whether or not a page came of them: the caller records them with the page's end.
                ex.Usage = counters.Usage;
                throw;
            }
        }
    }

    /// <summary>
    /// Takes the rate-limit permit for a page's first attempt before the caller commits to reading it, with the same
    /// checks as the attempt itself (the token's scopes, the deadline, a reconcile's call budget) and the same failures:
    /// the caller waits for its turn before it claims the page, so nothing it holds needs renewing while it waits. The
    /// token is not fetched here (its failures stay inside the call's retries); scopes are checked when already known.
    /// </summary>
    public async Task<XeroPermit> AcquirePermitAsync(PageQuery query, CancellationToken cancellationToken)
    {
        ThrowIfInvalid(query);
        return await TakePermitAsync(query, cancellationToken);
    }

    /// <summary>The ids a query puts in its URL, checked before any permit is taken for it.</summary>
    private static void ThrowIfInvalid(PageQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Ids?.Any(id => !TargetedFetch.IsRecordId(id)) == true)
        {
            throw new ArgumentException("A targeted read names only GUID record ids.", nameof(query));
        }

        if (query.RecordId is { } recordId && !IsValidRecordId(recordId))
        {
            throw new ArgumentException($"'{Identifiers.Printable(recordId)}' is not a Xero record id.", nameof(query));
        }
    }

    private async ValueTask<XeroPage> SendPageAsync(PageQuery query, CallCounters counters, bool forceRefresh, CancellationToken cancellationToken)
    {
        var token = await _tokens.GetAccessTokenAsync(forceRefresh, cancellationToken);
        ThrowIfNotGranted(query);
        await using var permit = Interlocked.Exchange(ref counters.Taken, null) ?? await TakePermitAsync(query, cancellationToken);
        counters.Calls++;

        // From here Xero may count the call: the limiter's day count takes it as spent only from now.
        await permit.MarkSentAsync();
        counters.Sending = permit;
        return await _attemptTimeout.ExecuteAsync(
            static (state, ct) => state.Client.ExchangeAsync(state.Query, state.Token, state.Counters, ct),
            (Client: this, Query: query, Token: token, Counters: counters),
            cancellationToken);
    }

    /// <summary>A granted permit for one attempt, after the checks that come before any permit; the failures as <see cref="XeroApiException"/>.</summary>
    private async Task<XeroPermit> TakePermitAsync(PageQuery query, CancellationToken cancellationToken)
    {
        ThrowIfNotGranted(query);
        var wait = query.Deadline is { } deadline ? deadline - _time.GetUtcNow() : Timeout.InfiniteTimeSpan;
        if (wait != Timeout.InfiniteTimeSpan && wait <= TimeSpan.Zero)
        {
            throw new XeroApiException(XeroFailure.PermitUnavailable, null, "The delivery's deadline passed before a rate-limit permit.") { RetryAt = query.Deadline };
        }

        // A reconcile's call budget is taken before the permit, one call per attempt: retries and 429s spend it too.
        if (query.ReserveCall is { } reserve && !await reserve(cancellationToken))
        {
            throw new XeroApiException(XeroFailure.BudgetSpent, null, "The reconcile's call budget for this tenant is spent.");
        }

        var permit = await _limiter.AcquireAsync(query.TenantId, wait, cancellationToken);
        if (!permit.IsGranted)
        {
            throw permit.Denial == PermitDenial.DayLimit
                ? new XeroApiException(XeroFailure.DayLimitReached, null, "The tenant's daily Xero call budget is spent.") { RetryAt = permit.RetryAt }
                : new XeroApiException(XeroFailure.PermitUnavailable, null, $"No Xero rate-limit permit within the deadline (waiting for {permit.WaitReason}).") { RetryAt = permit.RetryAt };
        }

        return permit;
    }

    /// <summary>The plan follows what the token grants: an endpoint outside its scopes costs no call and no permit.</summary>
    private void ThrowIfNotGranted(PageQuery query)
    {
        if (_tokens.Granted is { } granted && !granted.Grants(query.Endpoint))
        {
            var scope = XeroScopes.RequiredFor(query.Endpoint)!;
            throw new XeroApiException(XeroFailure.ScopeNotGranted, null, $"The connection's token does not grant {scope}.") { Detail = scope };
        }
    }

    /// <summary>One HTTP exchange for a page, under the attempt timeout; the permit is held by the caller.</summary>
    private async ValueTask<XeroPage> ExchangeAsync(PageQuery query, string token, CallCounters counters, CancellationToken cancellationToken)
    {
        using var request = BuildRequest(query, token);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var body = MeteredContent.Attach(response);
        counters.Current = body;
        try
        {
            return await ReadPageAsync(query, response, counters, cancellationToken);
        }
        finally
        {
            // Every byte Xero sent counts, including the unread rest of an error body.
            await body.DrainAsync(cancellationToken);
            counters.Settle();
        }
    }

    private async Task<XeroPage> ReadPageAsync(PageQuery query, HttpResponseMessage response, CallCounters counters, CancellationToken cancellationToken)
    {
        var throttled = response.StatusCode == HttpStatusCode.TooManyRequests;
        var observation = RateLimitObservation.FromHeaders(response.Headers, throttled, _time.GetUtcNow());
        if (counters.Sending is not { } permit || !await permit.AnsweredAsync(observation, cancellationToken))
        {
            await _limiter.ObserveAsync(query.TenantId, observation, cancellationToken);
        }

        counters.DayRemaining = observation.DayRemaining ?? counters.DayRemaining;
        if (throttled)
        {
            counters.Throttles++;
            throw new XeroApiException(XeroFailure.RateLimited, 429, $"Xero rate limit: {observation.Problem}.")
            {
                Detail = observation.Problem.ToString(),
                RetryAt = observation.RetryAfter is { } after ? observation.At + after : null,
            };
        }

        // Only a collection GET says "the endpoint is gone" with a 404; a by-id 404 is a record Xero no longer has.
        await ThrowIfFailedAsync(response, query.RecordId is null ? query.Endpoint : null, cancellationToken, query.Endpoint);
        var (body, length) = await ReadBodyAsync(response.Content, cancellationToken);
        try
        {
            var page = XeroPageParser.Parse(body, length, query.Endpoint, response.Headers.Date, counters.Calls, counters.Throttles, counters.DayRemaining);
            var usage = counters.Usage;
            page.BytesReceived = usage.BytesReceived;
            page.BytesDecoded = usage.BytesDecoded;
            return page;
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(body);
            throw;
        }
    }

    /// <summary>
    /// The whole body in one buffer rented from <see cref="ArrayPool{T}.Shared"/> (the page returns it on dispose), sized
    /// from Content-Length when sent so a page is read without regrowing; a body longer than announced still grows it.
    /// </summary>
    private static async Task<(byte[] Body, int Length)> ReadBodyAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var announced = content.Headers.ContentLength;
        var buffer = ArrayPool<byte>.Shared.Rent(announced is > 0 and < MaxPresizedBody ? (int)announced + 1 : 64 * 1024);
        var length = 0;
        try
        {
            await using var stream = await content.ReadAsStreamAsync(cancellationToken);
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
            {
                length += read;
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }

            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private HttpRequestMessage BuildRequest(PageQuery query, string token)
    {
        var endpoint = query.Endpoint;
        var path = new StringBuilder(endpoint.Path.TrimStart('/'));
        var separator = '?';
        void Add(string parameter)
        {
            path.Append(separator).Append(parameter);
            separator = '&';
        }

        if (query.RecordId is { } recordId)
        {
            path.Append('/').Append(recordId);
        }
        else
        {
            AddListParameters(query, Add);
        }

        if (endpoint.AcceptsUnitDp)
        {
            Add(string.Create(CultureInfo.InvariantCulture, $"unitdp={XeroEndpoint.UnitDecimalPlaces}"));
        }

        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_options.ApiUrl, path.ToString()));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.TryAddWithoutValidation("xero-tenant-id", query.TenantId);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        foreach (var encoding in MeteredContent.AcceptedEncodings)
        {
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
        }

        if (endpoint.SupportsModifiedSince && query.ModifiedSince is { } since)
        {
            request.Headers.TryAddWithoutValidation(
                "If-Modified-Since",
                since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
        }

        return request;
    }

    private static void AddListParameters(PageQuery query, Action<string> add)
    {
        var endpoint = query.Endpoint;
        switch (endpoint.Paging)
        {
            case PagingStyle.PageAndSize:
                add(string.Create(CultureInfo.InvariantCulture, $"page={query.Page}"));
                add(string.Create(CultureInfo.InvariantCulture, $"pageSize={endpoint.PageSize}"));
                break;
            case PagingStyle.PageOnly:
                add(string.Create(CultureInfo.InvariantCulture, $"page={query.Page}"));
                break;
            case PagingStyle.Offset:
                add(string.Create(CultureInfo.InvariantCulture, $"offset={query.Offset ?? 0}"));
                break;
            case PagingStyle.None:
            default:
                break;
        }

        if (endpoint.Order is { } order)
        {
            add("order=" + Uri.EscapeDataString(order));
        }

        if (query.SummaryOnly && endpoint.SupportsSummaryOnly)
        {
            add("summaryOnly=true");
        }

        if (query.Ids is { Count: > 0 } ids)
        {
            add(endpoint.AcceptsIds
                ? "IDs=" + Uri.EscapeDataString(string.Join(',', ids))
                : "where=" + Uri.EscapeDataString(string.Join(" OR ", ids.Select(id => $"{endpoint.KeyField}==Guid(\"{id}\")"))));
        }

        if (endpoint.ExtraQuery is { } extra)
        {
            add(extra);
        }
    }

    /// <summary>A GUID, or a short code such as a TaxType or currency code: nothing that could change the path.</summary>
    private static bool IsValidRecordId(string id) =>
        Guid.TryParse(id, out _) || (id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));

    /// <param name="collection">The endpoint of a collection GET (a 404 there can mean "retired"); null for by-id reads and /connections.</param>
    /// <param name="scoped">The endpoint whose scope a 401/403 <c>insufficient_scope</c> or <c>AuthorizationUnsuccessful</c> names.</param>
    private static async Task ThrowIfFailedAsync(HttpResponseMessage response, XeroEndpoint? collection, CancellationToken cancellationToken, XeroEndpoint? scoped = null)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var endpoint = collection;
        var status = (int)response.StatusCode;
        var detail = await XeroProblemReader.ReadDetailAsync(response, cancellationToken);
        if (scoped is not null && status is 401 or 403 && IsScopeDenial(response, detail) && XeroScopes.RequiredFor(scoped) is { } scope)
        {
            throw new XeroApiException(XeroFailure.ScopeNotGranted, status, $"Xero answered {status} ({detail ?? "insufficient_scope"}): the token does not grant {scope}.") { Detail = scope };
        }
        var failure = status switch
        {
            401 or 403 => XeroFailure.AccessDenied,
            410 => XeroFailure.Retired,
            404 when endpoint?.RetirementAnnounced == true => XeroFailure.Retired,
            408 => XeroFailure.Transient,
            >= 500 => XeroFailure.Transient,
            _ => XeroFailure.BadRequest,
        };
        throw new XeroApiException(failure, status, $"Xero answered {status} {response.ReasonPhrase}{(detail is null ? string.Empty : ": " + detail)}.") { Detail = detail };
    }

    /// <summary>Xero's "this token may not read that": <c>WWW-Authenticate: Bearer error="insufficient_scope"</c>, or the problem detail AuthorizationUnsuccessful.</summary>
    private static bool IsScopeDenial(HttpResponseMessage response, string? detail) =>
        string.Equals(detail, "AuthorizationUnsuccessful", StringComparison.OrdinalIgnoreCase)
        || (detail?.Contains("insufficient_scope", StringComparison.OrdinalIgnoreCase) ?? false)
        || response.Headers.WwwAuthenticate.Any(h => h.Parameter?.Contains("insufficient_scope", StringComparison.OrdinalIgnoreCase) ?? false);

    private static bool IsExpiredToken(string? detail) =>
        detail is null || detail.StartsWith("TokenExpired", StringComparison.OrdinalIgnoreCase) || detail.Contains("invalid_token", StringComparison.OrdinalIgnoreCase);

    private static bool IsTransient(Exception exception) => exception switch
    {
        XeroApiException xero => xero.Failure == XeroFailure.Transient,
        HttpRequestException => true,
        TimeoutRejectedException => true,
        JsonException => true,
        IOException => true,
        _ => false,
    };

    private sealed class CallCounters
    {
        public int Calls { get; set; }

        public int Throttles { get; set; }

        public int? DayRemaining { get; set; }

        /// <summary>A permit taken for the first attempt before the call (see <see cref="AcquirePermitAsync"/>), until that attempt uses it.</summary>
        public XeroPermit? Taken;

        /// <summary>The permit of the exchange in progress: its answer is fed back through it.</summary>
        public XeroPermit? Sending { get; set; }

        /// <summary>The body of the exchange in progress, counted as it is read.</summary>
        public MeteredContent? Current { get; set; }

        public long BytesReceived { get; private set; }

        public long BytesDecoded { get; private set; }

        public XeroUsage Usage => new(Calls, BytesReceived + (Current?.BytesReceived ?? 0), BytesDecoded + (Current?.BytesDecoded ?? 0));

        /// <summary>Adds the finished exchange's bytes to the page's.</summary>
        public void Settle()
        {
            if (Current is { } body)
            {
                BytesReceived += body.BytesReceived;
                BytesDecoded += body.BytesDecoded;
                Current = null;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "Retrying a Xero call (attempt {Attempt}) after {Error}, in {DelayMs} ms")]
        public static partial void Retrying(ILogger logger, int attempt, string error, double delayMs);
    }
}
