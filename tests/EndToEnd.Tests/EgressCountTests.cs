using XeroSync.Ledger;
using XeroSync.Pipeline;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>
/// Egress as the ledger counts it equals what the simulator sent: per organisation and run, the response bytes the ledger
/// recorded as received equal the body bytes in the simulator's request log (after gzip when it compressed), and the calls
/// equal the requests it logged, for a full sync and the incremental one after it, with and without compression.
/// </summary>
public sealed class EgressCountTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory(Timeout = 300_000)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Bytes_received_per_organisation_and_run_equal_the_bytes_the_simulator_sent(bool compress)
    {
        await using var demo = await LocalDemoEnvironment.StartAsync(tenants: 2, Token, o => new SimulatorOptions
        {
            Clock = o.Clock,
            Seed = o.Seed,
            Tenants = o.Tenants,
            CreatedAt = o.CreatedAt,
            PerMinuteLimit = o.PerMinuteLimit,
            ChangesPerMinute = 10,
            CompressResponses = compress,
        });

        var full = 0L;
        var incremental = 0L;
        await using (var pipeline = demo.CreatePipeline())
        {
            full = await SyncAndCompareAsync(demo, pipeline, compress);

        // Changes land while the clock moves on: the incremental sync reads them (and few calls besides).
            demo.Clock.Advance(TimeSpan.FromMinutes(5));
            incremental = await SyncAndCompareAsync(demo, pipeline, compress);
            Assert.True(incremental < full, $"the incremental sync received {incremental} bytes, the full one {full}");
        }

        // The warehouse's usage view: per organisation and UTC day, both runs' calls and bytes, as the simulator logged them.
        using var warehouse = demo.OpenWarehouse();
        foreach (var tenant in demo.Truth.Tenants)
        {
            var log = demo.Truth.Requests.Where(r => r.TenantId == tenant.TenantId).ToList();
            var where = $"FROM xero.api_usage WHERE tenant_id = '{tenant.TenantId}' AND day = DATE '{LocalDemoEnvironment.Start:yyyy-MM-dd}'";
            Assert.Equal(log.Sum(r => r.BytesSent), warehouse.Scalar($"SELECT bytes_received {where}"));
            Assert.Equal(log.Count, warehouse.Scalar($"SELECT calls {where}"));
            Assert.Equal(2, warehouse.Scalar($"SELECT runs {where}"));
        }
    }

    /// <summary>Syncs, compares the run's usage per organisation with the simulator's log of the run, returns the bytes received.</summary>
    private static async Task<long> SyncAndCompareAsync(LocalDemoEnvironment demo, XeroSync.Cli.Local.LocalPipeline pipeline, bool compress)
    {
        var before = demo.Truth.Requests.Count;
        var started = await pipeline.SyncAsync(new RunRequest(), Token);
        var sent = demo.Truth.Requests.Skip(before).Where(r => r.TenantId is not null).ToList();
        var state = await pipeline.Ledger.GetRunStateAsync(started.Run.RunId, Token);
        Assert.Equal(RunPhase.Complete, state!.Phase);

        var usage = TenantUsage.Of(state.Endpoints);
        Assert.Equal(demo.Truth.Tenants.Select(t => t.TenantId).Order(StringComparer.Ordinal), usage.Select(u => u.TenantId));
        foreach (var tenant in usage)
        {
            var log = sent.Where(r => r.TenantId == tenant.TenantId).ToList();
            Assert.NotEmpty(log);
            Assert.Equal(log.Sum(r => r.BytesSent), tenant.BytesReceived);
            Assert.Equal(log.Count, tenant.Calls);
            Assert.Equal(tenant.BytesReceived, tenant.Days.Sum(d => d.BytesReceived));
            Assert.Equal([DateOnly.FromDateTime(demo.Clock.GetUtcNow().UtcDateTime)], tenant.Days.Select(d => d.Day));
            if (compress)
            {
                // Gzip'd JSON: the decoded bodies are larger than what came over the wire.
                Assert.True(tenant.BytesDecoded > tenant.BytesReceived, $"decoded {tenant.BytesDecoded} bytes from {tenant.BytesReceived} received");
            }
            else
            {
                Assert.Equal(tenant.BytesReceived, tenant.BytesDecoded);
            }
        }

        return usage.Sum(u => u.BytesReceived);
    }
}
