using System.Globalization;
using XeroSync.Pipeline;
using XeroSync.Xero;

namespace XeroSync.Tests;

/// <summary>The local shape end to end: simulator -> queue -> handler -> folder -> DuckDB.</summary>
public sealed class LocalSyncTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 300_000)]
    public async Task Full_sync_lands_every_endpoint_exactly_as_the_simulator_holds_it()
    {
        await using var demo = await LocalDemoEnvironment.StartAsync(tenants: 2, Token);
        await using (var pipeline = demo.CreatePipeline())
        {
            await pipeline.SyncAsync(new RunRequest(), Token);
        }

        using (var warehouse = demo.OpenWarehouse())
        {
            foreach (var table in demo.Truth.Endpoints.Select(SimulatorTruth.TableName))
            {
                Assert.True(warehouse.Exists("xero_raw", table, "BASE TABLE"), $"xero_raw.{table} missing");
                Assert.True(warehouse.Exists("xero", table, "VIEW"), $"xero.{table} view missing");
            }
        }

        demo.AssertViewsEqualTruth(noRawDuplicates: true);
    }

    [Fact(Timeout = 300_000)]
    public async Task Full_sync_makes_the_fewest_calls_xero_paging_allows_and_is_never_throttled()
    {
        await using var demo = await LocalDemoEnvironment.StartAsync(tenants: 2, Token);
        await using (var pipeline = demo.CreatePipeline())
        {
            await pipeline.SyncAsync(new RunRequest(), Token);
        }

        var expected = 0;
        foreach (var tenant in demo.Truth.Tenants)
        {
            foreach (var endpoint in demo.Truth.EndpointRules)
            {
                var minimum = SimulatorTruth.MinimumCalls(demo.Truth, tenant.TenantId, endpoint, demo.Truth.Count(tenant.TenantId, endpoint.Name));
                var actual = demo.Truth.Requests.Count(r => r.TenantId == tenant.TenantId && r.Endpoint == endpoint.Name);
                Assert.True(minimum == actual, $"{tenant.Name} {endpoint.Name}: {actual} calls, minimum is {minimum}");
                expected += minimum;
            }
        }

        Assert.Equal(expected, demo.Truth.ApiCalls());
        Assert.Equal(0, demo.Truth.Throttled());
    }

    [Fact(Timeout = 300_000)]
    public async Task Second_sync_sends_if_modified_since_and_fetches_only_the_changes()
    {
        await using var demo = await LocalDemoEnvironment.StartAsync(tenants: 2, Token);
        await using (var pipeline = demo.CreatePipeline())
        {
            var first = await pipeline.SyncAsync(new RunRequest(), Token);
            demo.Clock.Advance(TimeSpan.FromMinutes(30));
            demo.Truth.ResetRequestLog();
            await pipeline.SyncAsync(new RunRequest(), Token);

            var watermark = first.Run.StartedAt - TimeSpan.FromSeconds(300); // README: XEROSYNC_WATERMARK_OVERLAP_SECONDS, default 300
            var header = watermark.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
            var expected = 0;
            var details = 0;
            foreach (var tenant in demo.Truth.Tenants)
            {
                foreach (var endpoint in demo.Truth.EndpointRules)
                {
                    var requests = demo.Truth.Requests.Where(r => r.TenantId == tenant.TenantId && r.Endpoint == endpoint.Name).ToList();
                    int minimum;
                    if (endpoint.SupportsIfModifiedSince && endpoint.Paging != "offset")
                    {
                        Assert.All(requests, r => Assert.Equal(header, r.IfModifiedSince));
                        minimum = SimulatorTruth.MinimumCalls(endpoint, demo.Truth.CountModifiedSince(tenant.TenantId, endpoint.Name, watermark));
                    }
                    else if (endpoint.Paging == "offset")
                    {
                        var firstRunJournals = demo.Truth.Count(tenant.TenantId, endpoint.Name) - demo.Truth.CountModifiedSince(tenant.TenantId, endpoint.Name, first.Run.StartedAt);
                        Assert.Contains("offset=" + firstRunJournals.ToString(CultureInfo.InvariantCulture), requests[0].PathAndQuery, StringComparison.Ordinal);
                        minimum = SimulatorTruth.MinimumCalls(endpoint, demo.Truth.Count(tenant.TenantId, endpoint.Name) - firstRunJournals);
                    }
                    else
                    {
                        // Details (budget lines, group members): one by-id call per budget changed since, per group always.
                        minimum = SimulatorTruth.MinimumCalls(demo.Truth, tenant.TenantId, endpoint, demo.Truth.Count(tenant.TenantId, endpoint.Name), watermark);
                        details += minimum - SimulatorTruth.MinimumCalls(endpoint, demo.Truth.Count(tenant.TenantId, endpoint.Name));
                    }

                    Assert.True(minimum == requests.Count, $"{tenant.Name} {endpoint.Name}: {requests.Count} calls, expected {minimum}");
                    expected += minimum;
                }
            }

            Assert.Equal(expected, demo.Truth.ApiCalls());
            Assert.True(expected - details < 2 * demo.Truth.Endpoints.Count + 10, $"an incremental sync of 2 tenants should need about one call per endpoint (plus its details), took {expected}");
        }

        demo.AssertViewsEqualTruth();
    }

    [Fact(Timeout = 300_000)]
    public async Task A_sync_killed_part_way_and_run_again_completes_with_the_same_data()
    {
        await using var demo = await LocalDemoEnvironment.StartAsync(tenants: 2, Token);
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var objects = 0;
        await using (var pipeline = demo.CreatePipeline())
        {
            pipeline.ObjectCreated += _ =>
            {
                if (Interlocked.Increment(ref objects) == 20)
                {
                    kill.Cancel();
                }
            };
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pipeline.SyncAsync(new RunRequest(), kill.Token));
        }

        Assert.True(objects >= 20);

        // The rerun comes later: past the minute window the killed run used (and the organisation moved on).
        demo.Clock.Advance(TimeSpan.FromMinutes(2));
        await using (var pipeline = demo.CreatePipeline())
        {
            await pipeline.SyncAsync(new RunRequest(), Token);
        }

        demo.AssertViewsEqualTruth();
    }
}
