using XeroSync.Tests.Processes;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>
/// The real CLI as a child process against the simulator on loopback: SIGKILLed and restarted, as an
/// impatient user or a crashing host would, and then left to finish.
/// </summary>
public sealed class SyncKillRestartTests
{
    /// <summary>
    /// The accepted API call each killed process is at when it dies (held in flight): the first fills the
    /// tenant's minute (Xero's 60), each later one dies at its first accepted call. A process that forgets its
    /// predecessor's calls sends its first calls into that full window and is answered 429.
    /// </summary>
    private static readonly int[] KillAtCall = [60, 1, 1, 1, 1];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task Five_sigkills_within_two_minutes_are_never_throttled_and_a_final_sync_lands_exactly_the_simulators_records()
    {
        // Scale 2: one sync needs more than a minute's 60 calls, so the first run is killed before it finishes.
        await using var simulator = await CliSimulator.StartAsync(tenants: 1, Token, o => new SimulatorOptions
        {
            Clock = o.Clock,
            Seed = o.Seed,
            Tenants = o.Tenants,
            CreatedAt = o.CreatedAt,
            ChangesPerMinute = o.ChangesPerMinute,
            Scale = 2,
        });
        using var data = new TempDirectory();
        var clock = TimeProvider.System;
        var started = clock.GetTimestamp();
        var evidence = new List<KillEvidence>();

        for (var kill = 0; kill < KillAtCall.Length; kill++)
        {
            using var point = KillPoint.DuringFetch(simulator, KillAtCall[kill]);
            await using var child = SyncProcess.StartSync(data.Path, simulator.Environment);
            var seen = await point.KillAsync(child, TimeSpan.FromMinutes(2), Token);
            Assert.True(seen.Reached, $"kill {kill + 1}: {seen}\n{child.Transcript}");
            Assert.Equal(SyncProcess.KilledExitCode, seen.ExitCode);
            evidence.Add(seen);
        }

        var killPhase = clock.GetElapsedTime(started);
        var apiRequests = simulator.Truth.Requests.Where(r => r.TenantId is not null).ToList();
        var throttled = apiRequests.Count(r => r.StatusCode == 429);
        TestContext.Current.TestOutputHelper?.WriteLine($"kill phase {killPhase.TotalSeconds:F0} s, {apiRequests.Count} API requests, {throttled} x 429");
        // Each kill point is a held call: reached by the first child started for it (one attempt each, asserted above).
        foreach (var seen in evidence)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"{seen} (attempt 1 of 1)");
        }

        Assert.True(killPhase < TimeSpan.FromMinutes(2), $"the five kills took {killPhase}; the premise is five within two minutes");
        Assert.True(apiRequests.Count(r => r.StatusCode != 429) >= KillAtCall.Sum(), $"{apiRequests.Count} API requests in the kill phase");
        Assert.True(throttled == 0, $"{throttled} responses with status 429 after 5 SIGKILLs: {string.Join(", ", apiRequests.Where(r => r.StatusCode == 429).Select(r => r.Problem).GroupBy(p => p).Select(g => $"{g.Key} x {g.Count()}"))}");

        await using (var final = SyncProcess.StartSync(data.Path, simulator.Environment))
        {
            var exit = await final.WaitForExitAsync(TimeSpan.FromMinutes(5), Token);
            Assert.True(exit == 0, $"final sync exited {exit}\n{final.Transcript}");
        }

        Assert.Equal(0, simulator.Truth.Requests.Count(r => r.StatusCode == 429));
        LocalDemoEnvironment.AssertViewsEqualTruth(simulator.Truth, Path.Combine(data.Path, "warehouse.duckdb"));
        var raw = LocalDemoEnvironment.AssertRawRowsServed(simulator.Truth, Path.Combine(data.Path, "warehouse.duckdb"));
        TestContext.Current.TestOutputHelper?.WriteLine($"raw rows / records after {evidence.Count} kills and the final sync: {raw}");
    }
}
