using System.Diagnostics;
using System.Globalization;
using XeroSync.Tests;
using XeroSync.Tests.Cloud;
using XeroSync.XeroSimulator;

namespace XeroSync.Bench;

/// <summary>
/// Figure 2: the cloud shape on a real clock. The Dispatcher and the fakes of tests/EndToEnd.Tests/Cloud in this
/// process, 8 Worker processes behind one push subscription (the emulator pushes to a round-robin forwarder, as a load
/// balancer in front of Cloud Run instances), every service's Firestore traffic through a counting proxy, the simulator
/// enforcing Xero's limits. One run of every endpoint for 1 and for 20 organisations.
/// </summary>
public static class CloudFigure
{
    public const string Name = "Cloud, real time";
    public const string Target = "8 Worker processes, the fetch subscription pulled and pushed to them as production push would (the tests' pull driver), Xero answering in about 1 s; x1 and x20 tenants: wall / lower bound <= 1.05, 0 throttled, <= 5 in flight per tenant, Firestore writes per Xero call <= 0.25; x100: what is reached and what bounds it; CPU seconds per call of the Workers and of the emulators";
    public const string How = "CloudEnvironment (Dispatcher in process, fake GCS/BigQuery, Pub/Sub + Firestore emulators) with 8 `dotnet XeroSync.Worker.dll` processes behind a PushForwarder on the push subscription; simulator on a real clock at Xero's limits (60/min, 5 in flight per tenant); the fetch subscription pulled by PullPushDriver and pushed to a PushForwarder in front of the Workers (every pulled message delivered at once, as push scales out); every Xero answer delayed 1 s (SlowRate 1); wall = POST /run to state complete (polled every 2 s); lower bound = max over tenants of floor((calls - 1) / 60) min; throttled and max in flight from the simulator's limiter; Firestore documents written = length of each successful commit's writes array, counted by a proxy in front of the emulator for every service; CPU = user+system seconds of the 8 Worker processes (and of the emulators' JVMs) over the run, per Xero call";

    private const int Workers = 8;

    /// <summary>Records a page at most (the simulator's page-size cap on page+pageSize endpoints): gives each organisation ~150+ calls without ~100k records each, see README.</summary>
    private const int PageCap = 100;

    public static async Task<FigureResult> RunAsync(GoogleEmulators emulators, bool quick, IReadOnlyList<int>? tenantCounts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(emulators);
        emulators.Require();
        var values = new Dictionary<string, double>();
        var parts = new List<string>();
        var met = true;
        foreach (var tenants in tenantCounts ?? [1, 20, 100])
        {
            // Scale 0.5 measured 115 calls (9,314 records) for one organisation; 0.75 gives ~160, a 2 min bound.
            var scale = quick ? 0.05 : 0.75;
            var run = await RunOnceAsync(emulators, tenants, scale, WallCap(quick, tenants), cancellationToken);
            var label = "x" + tenants.ToString(CultureInfo.InvariantCulture);
            foreach (var (key, value) in run.Values)
            {
                values[key + "_" + label] = value;
            }

            parts.Add(label + ": " + run.Summary);

            // Printed as each tenant count ends: the x20 run can take long on a loaded machine.
            Console.WriteLine($"   {label}: {run.Summary}");
            met &= run.Met && !quick;
        }

        return new FigureResult(2, Name, Target, string.Join("; ", parts), How, quick || tenantCounts is not null ? null : met, values)
        {
            Note = string.Create(CultureInfo.InvariantCulture, $"pages capped at {PageCap} records by the simulator; load {Machine.LoadAverage()}"),
        };
    }

    /// <summary>
    /// How long one run may take before it is reported as unfinished, with the calls it made and their rate: on the
    /// emulators a run of 20 organisations is paced by the emulators' push and Firestore, not by Xero, and would keep the
    /// whole suite waiting for an hour.
    /// </summary>
    private static TimeSpan WallCap(bool quick, int tenants) => TimeSpan.FromMinutes(quick ? 5 : tenants == 1 ? 10 : tenants <= 20 ? 8 : 10);

    private static async Task<Outcome> RunOnceAsync(GoogleEmulators emulators, int tenants, double scale, TimeSpan cap, CancellationToken cancellationToken)
    {
        await using var firestore = await FirestoreWriteCounter.StartAsync(emulators.FirestoreHost!);
        await using var forwarder = await PushForwarder.StartAsync();
        await using var cloud = await CloudEnvironment.StartAsync(
            emulators,
            cancellationToken,
            o => new SimulatorOptions
            {
                Seed = 29,
                Tenants = tenants,
                Scale = scale,
                ChangesPerMinute = 0,
                Clock = TimeProvider.System,
                Behaviour = new SimulatorBehaviour { PageSizeCap = PageCap },
                // Xero answers a list page in about a second: every answer waits 1 s.
                Faults = new SimulatorFaults { SlowRate = 1, SlowLatency = TimeSpan.FromSeconds(1) },
            },
            externalWorker: forwarder.BaseUri,
            firestoreHost: firestore.Host,
            pullDriven: true);
        var starting = Enumerable.Range(1, Workers).Select(i => WorkerProcess.StartAsync("worker-" + i.ToString(CultureInfo.InvariantCulture), cloud, cancellationToken)).ToList();
        try
        {
            await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var started in starting.Where(t => t.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }

            throw;
        }

        var workers = starting.Select(t => t.Result).ToList();
        try
        {
            foreach (var worker in workers)
            {
                forwarder.Add(worker.Name, worker.BaseUri);
            }

            var records = BenchSimulator.CountRecords(cloud.Truth);
            var cpuBefore = Cpu(workers, emulators);
            var writesBefore = firestore.WrittenByCollection;
            var started = TimeProvider.System.GetTimestamp();
            var startedAt = TimeProvider.System.GetUtcNow();
            var runId = await cloud.StartRunAsync(cancellationToken);
            string state;
            try
            {
                state = await cloud.WaitForStateAsync(runId, cap, cancellationToken, "complete", "partial", "failed");
            }
            catch (InvalidOperationException) when (!cancellationToken.IsCancellationRequested)
            {
                state = "unfinished";
            }

            var wall = TimeProvider.System.GetElapsedTime(started);
            var cpuAfter = Cpu(workers, emulators);
            var cpu = (Workers: cpuAfter.Workers - cpuBefore.Workers, Emulators: cpuAfter.Emulators - cpuBefore.Emulators);
            if (state == "unfinished")
            {
                return Unfinished(cloud.Truth, tenants, records, cap, firestore.WrittenByCollection.Sum(w => w.Value - writesBefore.GetValueOrDefault(w.Key)), cpu);
            }

            if (state != "complete")
            {
                throw new InvalidOperationException($"run {runId} ended {state}; BigQuery problems: {string.Join("; ", cloud.BigQuery.Problems)}");
            }

            var truth = cloud.Truth;
            var ids = truth.Tenants.Select(t => t.TenantId).ToList();
            var calls = ids.ToDictionary(t => t, t => truth.ApiCalls(t), StringComparer.Ordinal);
            var totalCalls = calls.Values.Sum();
            var bound = ids.Max(t => SyncCli.LowerBound(calls[t]));
            var throttled = truth.Throttled();
            var inFlight = ids.Max(truth.MaxConcurrency);
            var api = truth.Requests.Where(r => r.TenantId is not null && r.StatusCode == 200).ToList();
            var xeroSpan = api.Count == 0 ? TimeSpan.Zero : api.Max(r => r.Time) - startedAt;
            var writes = firestore.WrittenByCollection.ToDictionary(w => w.Key, w => w.Value - writesBefore.GetValueOrDefault(w.Key), StringComparer.Ordinal);
            var written = writes.Values.Sum();
            var limiter = writes.Where(w => w.Key.StartsWith("limits", StringComparison.Ordinal)).Sum(w => w.Value);
            var ledger = written - limiter;
            var perCall = (double)written / totalCalls;
            var ratio = bound > TimeSpan.Zero ? wall / bound : double.NaN;
            var exits = workers.Count(w => w.HasExited);
            var values = new Dictionary<string, double>
            {
                ["records"] = records,
                ["calls"] = totalCalls,
                ["calls_max_tenant"] = calls.Values.Max(),
                ["wall_s"] = Math.Round(wall.TotalSeconds, 1),
                ["xero_span_s"] = Math.Round(xeroSpan.TotalSeconds, 1),
                ["lower_bound_s"] = bound.TotalSeconds,
                ["wall_over_bound"] = Math.Round(ratio, 3),
                ["throttled"] = throttled,
                ["max_in_flight_per_tenant"] = inFlight,
                ["firestore_writes"] = written,
                ["firestore_writes_ledger"] = ledger,
                ["firestore_writes_limiter"] = limiter,
                ["firestore_writes_per_call"] = Math.Round(perCall, 3),
                ["firestore_failed_commits"] = firestore.FailedCommits,
                ["workers_exited"] = exits,
                ["worker_cpu_s_per_call"] = Math.Round(cpu.Workers / totalCalls, 4),
                ["emulator_cpu_s_per_call"] = Math.Round(cpu.Emulators / totalCalls, 4),
            };
            var where = string.Join(", ", writes.OrderByDescending(w => w.Value).Select(w => string.Create(CultureInfo.InvariantCulture, $"{w.Key} {(double)w.Value / totalCalls:F2}")));
            var summary = string.Create(
                CultureInfo.InvariantCulture,
                $"{records:N0} records, {totalCalls} calls (max {calls.Values.Max()} a tenant), wall {wall.TotalSeconds:F0} s = {(double.IsFinite(ratio) ? ratio.ToString("F3", CultureInfo.InvariantCulture) + " x" : "n/a (under 61 calls a tenant),")} bound {bound.TotalSeconds:F0} s (last Xero answer {xeroSpan.TotalSeconds:F0} s in), " +
                $"{throttled} throttled, max {inFlight} in flight a tenant, {perCall:F2} Firestore writes per call ({written} documents: ledger {(double)ledger / totalCalls:F2}, limiter {(double)limiter / totalCalls:F2} per call; {where}); " +
                $"CPU per call: Workers {cpu.Workers / totalCalls:F3} s, emulators {cpu.Emulators / totalCalls:F3} s");
            var met = ratio <= 1.05 && throttled == 0 && inFlight <= 5 && perCall <= 0.25 && exits == 0;
            return new Outcome(summary, values, met);
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
    }

    /// <summary>A run stopped at its cap: what it did in that time (calls, their rate against what Xero would allow, Firestore writes).</summary>
    private static Outcome Unfinished(SimulatorState truth, int tenants, long records, TimeSpan cap, long written, (double Workers, double Emulators) cpu)
    {
        var calls = truth.Tenants.Sum(t => truth.ApiCalls(t.TenantId));
        var perMinute = calls / cap.TotalMinutes;
        var allowed = 60 * tenants;
        var values = new Dictionary<string, double>
        {
            ["records"] = records,
            ["completed"] = 0,
            ["wall_cap_s"] = cap.TotalSeconds,
            ["calls"] = calls,
            ["calls_per_minute"] = Math.Round(perMinute, 1),
            ["xero_allows_per_minute"] = allowed,
            ["throttled"] = truth.Throttled(),
            ["max_in_flight_per_tenant"] = truth.Tenants.Max(t => truth.MaxConcurrency(t.TenantId)),
            ["firestore_writes_per_call"] = calls == 0 ? double.NaN : Math.Round((double)written / calls, 3),
            ["worker_cpu_s_per_call"] = calls == 0 ? double.NaN : Math.Round(cpu.Workers / calls, 4),
            ["emulator_cpu_s_per_call"] = calls == 0 ? double.NaN : Math.Round(cpu.Emulators / calls, 4),
        };
        var summary = string.Create(
            CultureInfo.InvariantCulture,
            $"{records:N0} records; not complete within {cap.TotalMinutes:F0} min: {calls} calls made, {perMinute:F0} a minute against the {allowed} Xero allows {tenants} organisations, {truth.Throttled()} throttled, max {values["max_in_flight_per_tenant"]} in flight a tenant, {(calls == 0 ? 0 : (double)written / calls):F2} Firestore writes per call; CPU per call: Workers {(calls == 0 ? 0 : cpu.Workers / calls):F3} s, emulators {(calls == 0 ? 0 : cpu.Emulators / calls):F3} s");
        return new Outcome(summary, values, false);
    }

    /// <summary>
    /// CPU seconds (user + system) used so far by the Worker processes and by this run's emulator JVMs (found by the
    /// <c>--port</c> of the emulator hosts in their command lines, so other emulators on the machine do not count).
    /// </summary>
    private static (double Workers, double Emulators) Cpu(IReadOnlyList<WorkerProcess> workers, GoogleEmulators emulators)
    {
        static double Seconds(int pid)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                return process.TotalProcessorTime.TotalSeconds;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                return 0;
            }
        }

        var ports = new[] { emulators.PubSubHost, emulators.FirestoreHost }.OfType<string>().Select(h => "--port=" + h[(h.LastIndexOf(':') + 1)..]).ToList();
        var jvms = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var arguments = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                if (arguments.Any(a => ports.Contains(a, StringComparer.Ordinal)))
                {
                    jvms.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while listed.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return (workers.Sum(w => Seconds(w.ProcessId)), jvms.Sum(Seconds));
    }

    private sealed record Outcome(string Summary, IReadOnlyDictionary<string, double> Values, bool Met);
}
