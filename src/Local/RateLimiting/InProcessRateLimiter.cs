using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XeroSync.Xero;

namespace XeroSync.RateLimiting;

/// <summary>
/// The local shape's limiter: per-tenant minute window, in-flight cap, day budget and pauses from 429s,
/// plus the app-wide minute window, all in memory. Fed by every response's <c>X-*-Remaining</c> headers
/// so calls made by other processes are respected too.
/// </summary>
public sealed partial class InProcessRateLimiter(
    IOptions<RateLimitOptions> options,
    TimeProvider time,
    ILogger<InProcessRateLimiter> logger) : IRateLimiter, IDisposable
{
    private static readonly TimeSpan DayResetFallback = TimeSpan.FromHours(1);
    private readonly RateLimitOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, TenantBudget> _tenants = new(StringComparer.Ordinal);
    private readonly object _appGate = new();
    private readonly CallWindow _app = new(options.Value.AppPerMinute, TimeSpan.FromMinutes(1));
    private DateTimeOffset _appPausedUntil;

    public async ValueTask<XeroPermit> AcquireAsync(string tenantId, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var budget = _tenants.GetOrAdd(tenantId, _ => new TenantBudget(_options));
        var deadline = maxWait == Timeout.InfiniteTimeSpan || maxWait == TimeSpan.MaxValue ? DateTimeOffset.MaxValue : time.GetUtcNow() + maxWait;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var now = time.GetUtcNow();
            lock (budget.Gate)
            {
                if (DayDenial(budget, now) is { } dayDenied)
                {
                    return dayDenied;
                }
            }

            var wait = TimeUntilAvailable(budget, now);
            if (wait > TimeSpan.Zero)
            {
                if (deadline != DateTimeOffset.MaxValue && now + wait > deadline)
                {
                    return XeroPermit.Denied(PermitDenial.WaitTooLong, now + wait);
                }

                await Task.Delay(wait, time, cancellationToken);
                continue;
            }

            var slotWait = deadline == DateTimeOffset.MaxValue ? Timeout.InfiniteTimeSpan : Max(deadline - now, TimeSpan.Zero);
            if (!await budget.InFlight.WaitAsync(slotWait, cancellationToken))
            {
                return XeroPermit.Denied(PermitDenial.WaitTooLong, null);
            }

            var permit = TryReserve(budget, time.GetUtcNow());
            if (permit is not null)
            {
                return permit;
            }

            budget.InFlight.Release();
        }
    }

    public ValueTask ObserveAsync(string tenantId, RateLimitObservation observation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var budget = _tenants.GetOrAdd(tenantId, _ => new TenantBudget(_options));
        var now = observation.At;
        lock (budget.Gate)
        {
            // A minute 429 is handled below: it says when the window resets, which a remaining count does not.
            if (observation.MinuteRemaining is int minuteRemaining && observation.Problem != RateLimitProblem.Minute)
            {
                budget.Minute.AdoptUsage(_options.PerMinute - minuteRemaining, now);
            }

            if (observation.DayRemaining is int dayRemaining)
            {
                budget.DayRemaining = dayRemaining;
                budget.DayExhausted = dayRemaining <= 0;
            }

            switch (observation.Problem)
            {
                case RateLimitProblem.Minute:
                    // The window is full until Xero's reset (Retry-After), not for a whole minute from now.
                    var resume = now + (observation.RetryAfter ?? _options.FallbackRetryAfter);
                    budget.Minute.AdoptUsage(_options.PerMinute, Earlier(now, resume - TimeSpan.FromMinutes(1)));
                    budget.PausedUntil = Later(budget.PausedUntil, resume);
                    break;
                case RateLimitProblem.Day:
                    budget.DayExhausted = true;
                    budget.DeferredUntil = now + (observation.RetryAfter ?? DayResetFallback);
                    break;
                case RateLimitProblem.Concurrent:
                    budget.PausedUntil = Later(budget.PausedUntil, now + (observation.RetryAfter ?? Jittered(_options.ConcurrentBackoff)));
                    break;
                case RateLimitProblem.Unknown:
                    budget.PausedUntil = Later(budget.PausedUntil, now + (observation.RetryAfter ?? Jittered(TimeSpan.FromSeconds(5))));
                    break;
                case RateLimitProblem.AppMinute:
                case RateLimitProblem.None:
                default:
                    break;
            }
        }

        lock (_appGate)
        {
            if (observation.AppMinuteRemaining is int appRemaining)
            {
                _app.AdoptUsage(_options.AppPerMinute - appRemaining, now);
            }

            if (observation.Problem == RateLimitProblem.AppMinute)
            {
                _appPausedUntil = Later(_appPausedUntil, now + (observation.RetryAfter ?? _options.FallbackRetryAfter));
            }
        }

        if (observation.Problem != RateLimitProblem.None)
        {
            Log.Throttled(logger, tenantId, observation.Problem, observation.RetryAfter?.TotalSeconds ?? -1);
        }

        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        foreach (var budget in _tenants.Values)
        {
            budget.Dispose();
        }
    }

    private static XeroPermit? DayDenial(TenantBudget budget, DateTimeOffset now)
    {
        if (budget.DeferredUntil is { } until && until <= now)
        {
            budget.DeferredUntil = null;
            budget.DayExhausted = false;
            budget.DayRemaining = null;
        }

        if (!budget.DayExhausted)
        {
            return null;
        }

        // Spent by the remaining count (no 429, so no Retry-After): without a reset time the tenant would be
        // denied for the life of the process; try again after the same fallback a day 429 without Retry-After gets.
        budget.DeferredUntil ??= now + DayResetFallback;
        return XeroPermit.Denied(PermitDenial.DayLimit, budget.DeferredUntil);
    }

    private TimeSpan TimeUntilAvailable(TenantBudget budget, DateTimeOffset now)
    {
        TimeSpan tenantWait;
        lock (budget.Gate)
        {
            tenantWait = Max(budget.PausedUntil - now, budget.Minute.TimeUntilFree(now));
        }

        lock (_appGate)
        {
            return Max(tenantWait, Max(_appPausedUntil - now, _app.TimeUntilFree(now)));
        }
    }

    private XeroPermit? TryReserve(TenantBudget budget, DateTimeOffset now)
    {
        lock (budget.Gate)
        {
            if (budget.DayExhausted || budget.PausedUntil > now || budget.Minute.TimeUntilFree(now) > TimeSpan.Zero)
            {
                return null;
            }

            lock (_appGate)
            {
                if (_appPausedUntil > now || _app.TimeUntilFree(now) > TimeSpan.Zero)
                {
                    return null;
                }

                var tenantSlot = budget.Minute.Reserve(now);
                var appSlot = _app.Reserve(now);
                if (budget.DayRemaining is int remaining)
                {
                    budget.DayRemaining = remaining - 1;
                    budget.DayExhausted = remaining - 1 <= 0;
                }

                return XeroPermit.Granted(() =>
                {
                    var done = time.GetUtcNow();
                    lock (budget.Gate)
                    {
                        tenantSlot.Stamp = done;
                        tenantSlot.InFlight = false;
                    }

                    lock (_appGate)
                    {
                        appSlot.Stamp = done;
                        appSlot.InFlight = false;
                    }

                    budget.InFlight.Release();
                    return ValueTask.CompletedTask;
                });
            }
        }
    }

    private static TimeSpan Jittered(TimeSpan delay) =>
        delay + TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)Math.Max(1, delay.TotalMilliseconds / 2)));

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Earlier(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static partial class Log
    {
        [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "Xero throttled tenant {TenantId}: {Problem}, Retry-After {RetryAfterSeconds} s")]
        public static partial void Throttled(ILogger logger, string tenantId, RateLimitProblem problem, double retryAfterSeconds);
    }
}
