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

namespace XeroSync.Xero;

/// <summary>
/// Typed client of the Xero Accounting API: tenant discovery and page reads. Every attempt takes a
/// permit from the rate limiter and feeds the response's limit headers back; 5xx, timeouts, connection
/// errors and truncated bodies are retried with jitter (never 400/403/404); one token refresh on a 401.
/// </summary>
public sealed partial class XeroApiClient
{
    private const int MaxThrottlesPerPage = 20;
    private readonly HttpClient _http;
    private readonly IAccessTokenSource _tokens;
    private readonly IRateLimiter _limiter;
    private readonly XeroOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<XeroApiClient> _logger;
    private readonly ResiliencePipeline _transientRetry;

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
            .AddTimeout(_options.AttemptTimeout)
            .Build();
    }

    /// <summary>The organisations this connection may read (<c>GET /connections</c>).</summary>
    public async Task<IReadOnlyList<XeroConnection>> GetConnectionsAsync(CancellationToken cancellationToken)
    {
        var connections = await _transientRetry.ExecuteAsync(
            async ct =>
            {
                var token = await _tokens.GetAccessTokenAsync(forceRefresh: false, ct);
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_options.ApiUrl, "connections"));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                await ThrowIfFailedAsync(response, null, ct);
                return await response.Content.ReadFromJsonAsync(XeroJsonContext.Default.ListXeroConnection, ct) ?? [];
            },
            cancellationToken);
        return connections.Where(c => Identifiers.IsValidTenantId(c.TenantId)).ToList();
    }

    /// <summary>
    /// Reads one page. Throws <see cref="XeroApiException"/> when no page can be had; its
    /// <see cref="XeroApiException.Failure"/> says whether to defer, nack, skip or fail.
    /// </summary>
    public async Task<XeroPage> GetPageAsync(PageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var counters = new CallCounters();
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
            catch (XeroApiException ex) when (ex.Failure == XeroFailure.RateLimited && ex.Detail != nameof(RateLimitProblem.Day) && counters.Throttles < MaxThrottlesPerPage)
            {
                // Minute, concurrent and app-minute 429s: the limiter has been told; waiting for the next permit is the back-off.
                continue;
            }
            catch (XeroApiException ex) when (ex.Failure == XeroFailure.AccessDenied && ex.StatusCode == 401 && !refreshedToken && IsExpiredToken(ex.Detail))
            {
                refreshedToken = true;
            }
        }
    }

    private async ValueTask<XeroPage> SendPageAsync(PageQuery query, CallCounters counters, bool forceRefresh, CancellationToken cancellationToken)
    {
        var token = await _tokens.GetAccessTokenAsync(forceRefresh, cancellationToken);
        await using var permit = await _limiter.AcquireAsync(query.TenantId, query.MaxPermitWait, cancellationToken);
        if (!permit.IsGranted)
        {
            throw permit.Denial == PermitDenial.DayLimit
                ? new XeroApiException(XeroFailure.DayLimitReached, null, "The tenant's daily Xero call budget is spent.") { RetryAt = permit.RetryAt }
                : new XeroApiException(XeroFailure.PermitUnavailable, null, "No Xero rate-limit permit within the deadline.") { RetryAt = permit.RetryAt };
        }

        using var request = BuildRequest(query, token);
        counters.Calls++;
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var throttled = response.StatusCode == HttpStatusCode.TooManyRequests;
        var observation = RateLimitObservation.FromHeaders(response.Headers, throttled, _time.GetUtcNow());
        await _limiter.ObserveAsync(query.TenantId, observation, cancellationToken);
        if (throttled)
        {
            counters.Throttles++;
            throw new XeroApiException(XeroFailure.RateLimited, 429, $"Xero rate limit: {observation.Problem}.")
            {
                Detail = observation.Problem.ToString(),
                RetryAt = observation.RetryAfter is { } after ? observation.At + after : null,
            };
        }

        await ThrowIfFailedAsync(response, query.Endpoint, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var document = await JsonDocument.ParseAsync(stream, default, cancellationToken);
        try
        {
            return ToPage(document, query.Endpoint, response.Headers.Date, counters);
        }
        catch
        {
            document.Dispose();
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

        switch (endpoint.Paging)
        {
            case PagingStyle.PageAndSize:
                Add(string.Create(CultureInfo.InvariantCulture, $"page={query.Page}"));
                Add(string.Create(CultureInfo.InvariantCulture, $"pageSize={endpoint.PageSize}"));
                break;
            case PagingStyle.PageOnly:
                Add(string.Create(CultureInfo.InvariantCulture, $"page={query.Page}"));
                break;
            case PagingStyle.Offset:
                Add(string.Create(CultureInfo.InvariantCulture, $"offset={query.Offset ?? 0}"));
                break;
            case PagingStyle.None:
            default:
                break;
        }

        if (endpoint.ExtraQuery is { } extra)
        {
            Add(extra);
        }

        if (endpoint.AcceptsUnitDp)
        {
            Add(string.Create(CultureInfo.InvariantCulture, $"unitdp={XeroEndpoint.UnitDecimalPlaces}"));
        }

        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_options.ApiUrl, path.ToString()));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.TryAddWithoutValidation("xero-tenant-id", query.TenantId);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (endpoint.SupportsModifiedSince && query.ModifiedSince is { } since)
        {
            request.Headers.TryAddWithoutValidation(
                "If-Modified-Since",
                since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
        }

        return request;
    }

    private static XeroPage ToPage(JsonDocument document, XeroEndpoint endpoint, DateTimeOffset? serverDate, CallCounters counters)
    {
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"Xero's {endpoint.Name} response is not a JSON object.");
        }

        if (!TryGetProperty(root, endpoint.CollectionProperty, out var records) || records.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException($"Xero's {endpoint.Name} response has no '{endpoint.CollectionProperty}' array.");
        }

        XeroPagination? pagination = null;
        if (TryGetProperty(root, "pagination", out var paginationElement) && paginationElement.ValueKind == JsonValueKind.Object)
        {
            pagination = paginationElement.Deserialize(XeroJsonContext.Default.XeroPagination);
        }

        return new XeroPage(document, records, pagination, serverDate, counters.Calls, counters.Throttles);
    }

    private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        if (element.TryGetProperty(name, out value))
        {
            return true;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        return false;
    }

    private static async Task ThrowIfFailedAsync(HttpResponseMessage response, XeroEndpoint? endpoint, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        var detail = await XeroProblemReader.ReadDetailAsync(response, cancellationToken);
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
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "Retrying a Xero call (attempt {Attempt}) after {Error}, in {DelayMs} ms")]
        public static partial void Retrying(ILogger logger, int attempt, string error, double delayMs);
    }
}
