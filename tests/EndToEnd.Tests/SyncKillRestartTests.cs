using XeroSync.Tests.Processes;

namespace XeroSync.Tests;

/// <summary>
/// The real CLI as a child process against the simulator on loopback: SIGKILLed and restarted, as an
/// impatient user or a crashing host would, and then left to finish.
/// </summary>
public sealed class SyncKillRestartTests
{
    /// <summary>Accepted API calls each killed process makes before its kill (the 20th is in flight when it dies).</summary>
    private const int CallsPerKilledRun = 20;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task Five_sigkills_within_two_minutes_are_never_throttled_and_a_final_sync_lands_exactly_the_simulators_records()
    {
        await using var simulator = await CliSimulator.StartAsync(tenants: 1, Token);
        using var data = new TempDirectory();
        var clock = TimeProvider.System;
        var started = clock.GetTimestamp();
        var evidence = new List<KillEvidence>();

        // 5 x 20 calls in the kill phase: more than Xero's 60 a minute for the tenant, so a process that forgets
        // its predecessors' calls bursts into a full window and is answered 429.
        for (var kill = 0; kill < 5; kill++)
        {
            using var point = KillPoint.DuringFetch(simulator, CallsPerKilledRun);
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
        foreach (var seen in evidence)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(seen.ToString());
        }

        Assert.True(killPhase < TimeSpan.FromMinutes(2), $"the five kills took {killPhase}; the premise is five within two minutes");
        Assert.True(apiRequests.Count >= 5 * CallsPerKilledRun, $"{apiRequests.Count} API requests in the kill phase");
        Assert.True(throttled == 0, $"{throttled} responses with status 429 after 5 SIGKILLs: {string.Join(", ", apiRequests.Where(r => r.StatusCode == 429).Select(r => r.Problem).GroupBy(p => p).Select(g => $"{g.Key} x {g.Count()}"))}");

        await using (var final = SyncProcess.StartSync(data.Path, simulator.Environment))
        {
            var exit = await final.WaitForExitAsync(TimeSpan.FromMinutes(5), Token);
            Assert.True(exit == 0, $"final sync exited {exit}\n{final.Transcript}");
        }

        Assert.Equal(0, simulator.Truth.Requests.Count(r => r.StatusCode == 429));
        LocalDemoEnvironment.AssertViewsEqualTruth(simulator.Truth, Path.Combine(data.Path, "warehouse.duckdb"));
    }
}
