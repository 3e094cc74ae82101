using XeroSync.XeroSimulator;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// The cloud shape (Pub/Sub and Firestore emulators): records that move while the Worker reads them cost nothing.
/// The two endpoints Xero lists by UpdatedDateUTC whatever the client asks (ManualJournals, no order sent;
/// LinkedTransactions, no order allowed) each get an edit of their oldest record and an insert after page 1 was
/// read; the edit shifts a record into page 1. The run completes with BigQuery holding exactly the simulator's
/// records, and GET /runs/{id} shows the re-read calls the simulator's log has beyond the first pass.
/// </summary>
public sealed class CloudMidRunMovementTests(GoogleEmulators emulators)
{
    private const int Cap = 50;

    private static readonly string[] Endpoints = ["LinkedTransactions", "ManualJournals"];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task Records_moving_between_pages_during_a_cloud_run_are_re_read_and_all_land()
    {
        await using var cloud = await CloudEnvironment.StartAsync(emulators, Token, o => new SimulatorOptions
        {
            Seed = o.Seed,
            Tenants = 1,
            ChangesPerMinute = 0,
            Scale = 0.7,
            Clock = o.Clock,
            Behaviour = new SimulatorBehaviour
            {
                PageSizeCap = Cap,
                DefaultOrder = ListOrder.UpdatedDate,
                ScheduledChanges =
                [
                    .. Endpoints.SelectMany(e => new[]
                    {
                        new ScheduledChange(e, AfterRequest: 1, ChangeKind.Edit) { Position = 0 },
                        new ScheduledChange(e, AfterRequest: 1, ChangeKind.Insert),
                    }),
                ],
            },
        });
        var tenant = cloud.Truth.Tenants[0].TenantId;
        var initial = Endpoints.ToDictionary(e => e, e => cloud.Truth.Count(tenant, e));

        var runId = await cloud.StartRunAsync(Token, Endpoints);
        Assert.Equal("complete", await cloud.WaitForStateAsync(runId, TimeSpan.FromMinutes(5), Token, "complete", "partial"));

        Assert.Equal(2 * Endpoints.Length, cloud.Truth.Changes.Count(c => c.Scheduled));
        CloudSyncTests.AssertWarehouseEqualsTruth(cloud, only: Endpoints);
        using var run = await cloud.GetRunAsync(runId, Token);
        var totalReread = 0;
        foreach (var status in run.RootElement.GetProperty("endpoints").EnumerateArray())
        {
            var name = status.GetProperty("endpoint").GetString()!;
            var rules = cloud.Truth.EndpointRules.Single(r => r.Name == name);
            var calls = cloud.Truth.Requests.Count(r => r.TenantId == tenant && r.Endpoint == name);
            var firstPass = rules.Paging == "page+size" ? (initial[name] + Cap - 1) / Cap : (cloud.Truth.Count(tenant, name) / rules.FullPage) + 1;
            var reread = status.GetProperty("reread_calls").GetInt32();
            Assert.True(reread == calls - firstPass, $"{name}: {reread} re-read calls reported, the simulator saw {calls} calls of which {firstPass} are the first pass");
            Assert.True(reread > 0, $"{name}: a record moved into page 1 after it was read, but the endpoint was not re-read");
            Assert.Equal(calls, status.GetProperty("calls").GetInt32());
            Assert.Equal("verified", status.GetProperty("verification").GetString());
            Assert.Equal(2, status.GetProperty("passes").GetInt32());
            totalReread += reread;
        }

        Assert.Equal(totalReread, run.RootElement.GetProperty("reread_calls").GetInt32());
        Assert.Equal(0, cloud.Truth.Throttled());
        Assert.Empty(cloud.BigQuery.Problems);
    }
}
