using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XeroSync.Xero;

namespace XeroSync.RateLimiting;

/// <summary>
/// The local shape's limiter: per-tenant minute window, in-flight cap, day budget and pauses from 429s,
/// plus the app-wide minute window. Its calls live in the state database (<see cref="SqliteCallHistory"/>),
/// so a process started after another was killed, or running beside it on the same data folder, counts
/// the calls already made. Fed by every response's <c>X-*-Remaining</c> headers so calls made by other
/// apps are respected too.
/// </summary>
public sealed partial class InProcessRateLimiter : IRateLimiter, IDisposable
{
    internal static readonly TimeSpan DayResetFallback = TimeSpan.FromHours(1);
    private readonly RateLimitOptions _options;
    private readonly SqliteCallHistory _history;
    private readonly TimeProvider _time;
    private readonly ILogger<InProcessRateLimiter> _logger;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CompletionSignal> _ended = new(StringComparer.Ordinal);

    internal InProcessRateLimiter(IOptions<RateLimitOptions> options, SqliteCallHistory history, TimeProvider time, ILogger<InProcessRateLimiter> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _history = history;
        _time = time;
        _logger = logger;
    }

    /// <summary>A limiter whose calls are kept in the given state database.</summary>
    public InProcessRateLimiter(IOptions<RateLimitOptions> options, Ledger.Local.SqliteStateDatabase state, TimeProvider time, ILogger<InProcessRateLimiter> logger)
        : this(options, new SqliteCallHistory(state), time, logger)
    {
    }

    public async ValueTask<XeroPermit> AcquireAsync(string tenantId, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var inFlight = _inFlight.GetOrAdd(tenantId, _ => new SemaphoreSlim(_options.Concurrent, _options.Concurrent));
        var ended = _ended.GetOrAdd(tenantId, _ => new CompletionSignal());
        var deadline = maxWait == Timeout.InfiniteTimeSpan || maxWait == TimeSpan.MaxValue ? DateTimeOffset.MaxValue : _time.GetUtcNow() + maxWait;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var now = _time.GetUtcNow();
            if (!await EnterAsync(inFlight, deadline, now, cancellationToken))
            {
                return XeroPermit.Denied(PermitDenial.WaitTooLong, null, PermitWaitReason.InFlight);
            }

            SqliteCallHistory.Reservation reservation;
            var nextEnd = ended.Next;
            try
            {
                now = _time.GetUtcNow();
                reservation = await _history.TryReserveAsync(tenantId, now, _options, cancellationToken);
            }
            catch
            {
                inFlight.Release();
                throw;
            }

            if (reservation.CallId is long callId)
            {
                // Not the caller's token: an end must be recorded even when the caller gave up.
                return XeroPermit.Granted(
                    () => EndAsync(inFlight, ended, () => _history.CompleteAsync(callId, _time.GetUtcNow(), CancellationToken.None)),
                    () => EndAsync(inFlight, ended, () => _history.ForgetAsync(callId, CancellationToken.None)),
                    async () => await _history.MarkSentAsync(callId, CancellationToken.None),
                    (observation, ct) => ObserveAsync(tenantId, observation, callId, ct));
            }

            inFlight.Release();
            var (wait, why) = (reservation.WaitFor, reservation.Why);
            if (reservation.DayDeniedUntil is { } until)
            {
                // A day reset close at hand is waited for like a 429's pause; a later one defers the organisation.
                if (_options.DayWait(until, now) is not { } dayWait)
                {
                    return XeroPermit.Denied(PermitDenial.DayLimit, until);
                }

                (wait, why) = (dayWait, PermitWaitReason.Paused);
            }

            if (deadline != DateTimeOffset.MaxValue && now + wait > deadline)
            {
                return XeroPermit.Denied(PermitDenial.WaitTooLong, now + wait, why);
            }

            if (why == PermitWaitReason.InFlight)
            {
                // Waiting for calls in flight: the end of one of this process's wakes it at once; a poll covers the others'.
                using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var delay = Task.Delay(wait, _time, poll.Token);
                await Task.WhenAny(nextEnd, delay);
                await poll.CancelAsync();
                continue;
            }

            await Task.Delay(wait, _time, cancellationToken);
        }
    }

    private static async ValueTask EndAsync(SemaphoreSlim inFlight, CompletionSignal ended, Func<Task> record)
    {
        try
        {
            await record();
        }
        finally
        {
            inFlight.Release();
            ended.Pulse();
        }
    }

    public ValueTask ObserveAsync(string tenantId, RateLimitObservation observation, CancellationToken cancellationToken) =>
        ObserveAsync(tenantId, observation, null, cancellationToken);

    /// <summary>What a response said; <paramref name="callId"/>: the call it answers, when known.</summary>
    private async ValueTask ObserveAsync(string tenantId, RateLimitObservation observation, long? callId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var pause = observation.Problem switch
        {
            RateLimitProblem.Minute or RateLimitProblem.AppMinute => observation.RetryAfter ?? _options.FallbackRetryAfter,
            RateLimitProblem.Day => observation.RetryAfter ?? DayResetFallback,
            RateLimitProblem.Concurrent => observation.RetryAfter ?? Jittered(_options.ConcurrentBackoff),
            RateLimitProblem.Unknown => observation.RetryAfter ?? Jittered(TimeSpan.FromSeconds(5)),
            _ => TimeSpan.Zero,
        };
        await _history.ObserveAsync(tenantId, observation, _options, pause, callId, cancellationToken);
        if (observation.Problem != RateLimitProblem.None)
        {
            Log.Throttled(_logger, tenantId, observation.Problem, observation.RetryAfter?.TotalSeconds ?? -1);
        }
    }

    public void Dispose()
    {
        foreach (var semaphore in _inFlight.Values)
        {
            semaphore.Dispose();
        }
    }

    private static TimeSpan Jittered(TimeSpan delay) =>
        delay + TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)Math.Max(1, delay.TotalMilliseconds / 2)));

    /// <summary>Takes an in-flight slot, waiting at most until <paramref name="deadline"/> on the injected clock.</summary>
    private async Task<bool> EnterAsync(SemaphoreSlim inFlight, DateTimeOffset deadline, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (inFlight.Wait(0, cancellationToken))
        {
            return true;
        }

        if (deadline == DateTimeOffset.MaxValue)
        {
            await inFlight.WaitAsync(cancellationToken);
            return true;
        }

        if (deadline <= now)
        {
            return false;
        }

        using var timeout = new CancellationTokenSource(deadline - now, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await inFlight.WaitAsync(linked.Token);
            return true;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "Xero throttled tenant {TenantId}: {Problem}, Retry-After {RetryAfterSeconds} s")]
        public static partial void Throttled(ILogger logger, string tenantId, RateLimitProblem problem, double retryAfterSeconds);
    }
}
