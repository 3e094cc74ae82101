using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using XeroSync.RateLimiting;
using XeroSync.RateLimiting.Firestore;
using XeroSync.Tests;
using XeroSync.Tests.RateLimiting;

namespace XeroSync.Bench;

/// <summary>
/// Figure 6: the app-wide budget. Eight FirestoreRateLimiter instances (one per simulated Worker instance) share one
/// fake clock and the Firestore emulator; every instance wants every tenant's permits all the time (more than the app's
/// 10,000 a minute), driven in 0.5 s steps by tests/Shared.Tests' LimiterSimulation. Counts, from the grants alone,
/// the busiest 60 s of the app, each tenant's share, and what Xero's fixed windows would have rejected.
/// </summary>
public static class BudgetFigure
{
    public const string Name = "App-wide budget, fake time";
    public const string Target = "200 tenants x 8 instances: never > 10,000 calls in any minute, every tenant served (slowest within 10 % of the mean), 0 throttled";

    public static async Task<FigureResult> RunAsync(GoogleEmulators emulators, bool quick, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(emulators);
        var tenantCount = quick ? 20 : 200;

        // --quick keeps the pressure (demand 20 % above the app budget) at a tenth of the size.
        var appPerMinute = quick ? 1_000 : 10_000;
        const int instanceCount = 8;
        var duration = TimeSpan.FromSeconds(quick ? 120 : 90);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var prefix = "bench" + Guid.NewGuid().ToString("N")[..8] + "_";
        var options = Options.Create(new RateLimitOptions { AppPerMinute = appPerMinute });
        var counters = Enumerable.Range(0, instanceCount).Select(_ => new CountingHandler()).ToList();
        var instances = Enumerable.Range(0, instanceCount)
            .Select(i => new FirestoreRateLimiter(EmulatorClients.Firestore(emulators, counters[i]), options, time, NullLogger<FirestoreRateLimiter>.Instance, prefix, $"instance-{i}"))
            .ToList();
        var tenants = Enumerable.Range(0, tenantCount).Select(i => "tenant-" + i.ToString("D3", CultureInfo.InvariantCulture)).ToList();
        var simulation = new LimiterSimulation(instances, time, tenants, workers: 3, TimeSpan.FromMilliseconds(500), seed: 13);
        var real = Stopwatch.StartNew();
        try
        {
            await simulation.RunAsync(duration, null, cancellationToken);
        }
        finally
        {
            foreach (var instance in instances)
            {
                instance.Dispose();
            }
        }

        real.Stop();
        var arrivals = simulation.Arrivals;
        var busiest = simulation.MaxInAnyMinute();
        var perTenant = tenants.Select(t => arrivals.Count(a => a.Tenant == t)).ToList();
        var mean = perTenant.Average();
        var slowest = perTenant.Min();
        var tenantRejections = tenants.Sum(t => simulation.XeroRejections(t, TimeSpan.FromSeconds(17), 60));
        var appRejections = arrivals.GroupBy(a => (long)Math.Floor((a.Arrival - DateTimeOffset.UnixEpoch).TotalMinutes)).Sum(g => Math.Max(0, g.Count() - appPerMinute));
        var throttled = tenantRejections + appRejections;
        var served = perTenant.Count(c => c > 0);
        var writesPerPermit = (double)counters.Sum(c => c.Documents) / Math.Max(1, arrivals.Count);
        var values = new Dictionary<string, double>
        {
            ["tenants"] = tenantCount,
            ["instances"] = instanceCount,
            ["app_per_minute"] = appPerMinute,
            ["fake_seconds"] = duration.TotalSeconds,
            ["real_seconds"] = Math.Round(real.Elapsed.TotalSeconds, 1),
            ["permits"] = arrivals.Count,
            ["busiest_minute"] = busiest,
            ["tenants_served"] = served,
            ["tenant_mean"] = Math.Round(mean, 1),
            ["tenant_min"] = slowest,
            ["tenant_max"] = perTenant.Max(),
            ["max_in_flight_per_tenant"] = simulation.MaxInFlight,
            ["simulated_429s"] = throttled,
            ["firestore_writes_per_permit"] = Math.Round(writesPerPermit, 3),
        };
        var measured = string.Create(CultureInfo.InvariantCulture, $"busiest 60 s {busiest:N0} calls (budget {appPerMinute:N0}); {served}/{tenantCount} tenants served, slowest {slowest} vs mean {mean:F1} permits ({slowest / mean:P0}); {throttled} simulated 429s; max {simulation.MaxInFlight} in flight per tenant; {writesPerPermit:F3} Firestore writes per permit; {duration.TotalSeconds:F0} s fake time in {real.Elapsed.TotalSeconds:F0} s real");
        var met = busiest <= appPerMinute && served == tenantCount && slowest >= 0.9 * mean && throttled == 0;
        return new FigureResult(6, Name, Target, measured, "8 FirestoreRateLimiter instances on the Firestore emulator and one FakeTimeProvider, LimiterSimulation (tests/Shared.Tests) in 0.5 s steps, latency 0.5-1 s; 429s counted against Xero's fixed windows (tenant 60/min, app budget/min)", met, values);
    }
}
