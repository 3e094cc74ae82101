using Microsoft.Extensions.Time.Testing;
using XeroSync.RateLimiting;
using XeroSync.RateLimiting.Firestore;

namespace XeroSync.Tests.RateLimiting;

/// <summary>
/// Drives several limiter instances on one fake clock in discrete steps: each step completes the calls whose simulated
/// latency has passed, then lets every idle worker of every active instance try for a permit (maxWait zero), then advances
/// the clock. Records when each call reached "Xero" (a random instant between grant and response).
/// </summary>
internal sealed class LimiterSimulation(IReadOnlyList<FirestoreRateLimiter> instances, FakeTimeProvider time, IReadOnlyList<string> tenants, int workers, TimeSpan step, int seed)
{
    private readonly Random _random = new(seed);
    private readonly object _gate = new();
    private readonly Dictionary<string, int> _inFlight = tenants.ToDictionary(t => t, _ => 0, StringComparer.Ordinal);
    private readonly (XeroPermit? Permit, DateTimeOffset Due)[,,] _calls = new (XeroPermit?, DateTimeOffset)[instances.Count, tenants.Count, workers];
    private readonly bool[] _crashed = new bool[instances.Count];

    public List<(string Tenant, DateTimeOffset Arrival)> Arrivals { get; } = [];

    public int MaxInFlight { get; private set; }

    /// <summary>Whether instance i has demand at a given simulated time (default: always).</summary>
    public Func<int, DateTimeOffset, bool> Active { get; init; } = (_, _) => true;

    public int MinLatencySteps { get; init; } = 1;

    public int MaxLatencySteps { get; init; } = 2;

    /// <summary>Instance i stops dead: its permits are never disposed, its blocks never released.</summary>
    public void Crash(int instance)
    {
        _crashed[instance] = true;
        instances[instance].Dispose();
        for (var t = 0; t < tenants.Count; t++)
        {
            for (var w = 0; w < workers; w++)
            {
                if (_calls[instance, t, w].Permit is not null)
                {
                    _calls[instance, t, w] = (null, default);
                    lock (_gate)
                    {
                        _inFlight[tenants[t]]--;
                    }
                }
            }
        }
    }

    public async Task RunAsync(TimeSpan duration, Action<DateTimeOffset>? beforeStep, CancellationToken cancellationToken)
    {
        var end = time.GetUtcNow() + duration;
        while (time.GetUtcNow() < end)
        {
            var now = time.GetUtcNow();
            beforeStep?.Invoke(now);
            for (var i = 0; i < instances.Count; i++)
            {
                for (var t = 0; t < tenants.Count; t++)
                {
                    for (var w = 0; w < workers; w++)
                    {
                        if (_calls[i, t, w] is { Permit: { } permit, Due: var due } && due <= now)
                        {
                            await permit.DisposeAsync();
                            _calls[i, t, w] = (null, default);
                            lock (_gate)
                            {
                                _inFlight[tenants[t]]--;
                            }
                        }
                    }
                }
            }

            var tasks = new List<Task>();
            for (var i = 0; i < instances.Count; i++)
            {
                if (_crashed[i] || !Active(i, now))
                {
                    continue;
                }

                for (var t = 0; t < tenants.Count; t++)
                {
                    var (instance, tenant) = (i, t);
                    tasks.Add(Task.Run(() => AcquireForAsync(instance, tenant, now, cancellationToken), cancellationToken));
                }
            }

            await Task.WhenAll(tasks);
            time.Advance(step);
        }
    }

    private async Task AcquireForAsync(int instance, int tenant, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var w = 0; w < workers; w++)
        {
            if (_calls[instance, tenant, w].Permit is not null)
            {
                continue;
            }

            var permit = await instances[instance].AcquireAsync(tenants[tenant], TimeSpan.Zero, cancellationToken);
            if (!permit.IsGranted)
            {
                return;
            }

            lock (_gate)
            {
                var latency = step * _random.Next(MinLatencySteps, MaxLatencySteps + 1);
                _calls[instance, tenant, w] = (permit, now + latency);
                Arrivals.Add((tenants[tenant], now + (latency * _random.NextDouble())));
                var inFlight = ++_inFlight[tenants[tenant]];
                MaxInFlight = Math.Max(MaxInFlight, inFlight);
            }
        }
    }

    /// <summary>The most arrivals of one tenant in any 60-second interval.</summary>
    public int MaxInAnyMinute(string tenant) => MaxInAnyMinute(Arrivals.Where(a => a.Tenant == tenant).Select(a => a.Arrival));

    /// <summary>The most arrivals of all tenants together (the app) in any 60-second interval.</summary>
    public int MaxInAnyMinute() => MaxInAnyMinute(Arrivals.Select(a => a.Arrival));

    /// <summary>The most instants in any 60-second interval.</summary>
    public static int MaxInAnyMinute(IEnumerable<DateTimeOffset> instants)
    {
        var times = instants.Order().ToList();
        var max = 0;
        var start = 0;
        for (var end = 0; end < times.Count; end++)
        {
            while (times[end] - times[start] >= TimeSpan.FromMinutes(1))
            {
                start++;
            }

            max = Math.Max(max, end - start + 1);
        }

        return max;
    }

    /// <summary>A simulated Xero: fixed 60-second windows with the given phase; returns how many calls would get a 429.</summary>
    public int XeroRejections(string tenant, TimeSpan phase, int limit)
    {
        var origin = DateTimeOffset.UnixEpoch + phase;
        return Arrivals.Where(a => a.Tenant == tenant)
            .GroupBy(a => (long)Math.Floor((a.Arrival - origin).TotalMinutes))
            .Sum(g => Math.Max(0, g.Count() - limit));
    }
}
