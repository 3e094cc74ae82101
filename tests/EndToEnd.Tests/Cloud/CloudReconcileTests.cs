using XeroSync.XeroSimulator;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// Reconcile in the cloud shape: POST /reconcile on the Dispatcher -> the same Pub/Sub, Worker, GCS and BigQuery path as
/// a sync, with the live ids read by a BigQuery query and the call budget held by the Firestore ledger. Expectations
/// from the simulator's records, deletes and request log.
/// </summary>
public sealed class CloudReconcileTests(GoogleEmulators emulators)
{
    private static readonly string[] Endpoints = ["Accounts", "Items", "TrackingCategories"];

    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(180);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task A_cloud_reconcile_flags_hard_deletes_in_the_latest_views_within_its_budget()
    {
        const int Budget = 10;
        await using var cloud = await CloudEnvironment.StartAsync(emulators, Token);
        var sync = await cloud.StartRunAsync(Token, Endpoints);
        Assert.Equal("complete", await cloud.WaitForStateAsync(sync, RunTimeout, Token, "complete", "partial"));

        var tenant = cloud.Truth.Tenants[0].TenantId;
        cloud.Truth.ApplyChange(tenant, "Items", ChangeKind.Delete);
        cloud.Truth.ApplyChange(tenant, "Accounts", ChangeKind.Delete);
        cloud.Truth.ResetRequestLog();

        var reconcile = await cloud.StartReconcileAsync(Endpoints, Budget, Token);
        Assert.Equal("complete", await cloud.WaitForStateAsync(reconcile, RunTimeout, Token, "complete", "partial"));

        foreach (var t in cloud.Truth.Tenants)
        {
            var calls = cloud.Truth.Requests.Count(r => r.TenantId == t.TenantId);
            Assert.True(calls <= Budget, $"{t.TenantId}: {calls} calls, budget {Budget}");
        }

        using var status = await cloud.GetRunAsync(reconcile, Token);
        var reported = status.RootElement.GetProperty("endpoints").EnumerateArray()
            .ToDictionary(e => (e.GetProperty("tenant_id").GetString()!, e.GetProperty("endpoint").GetString()!), e => e.GetProperty("deletes").GetInt64());
        foreach (var name in Endpoints)
        {
            var table = SimulatorTruth.TableName(name);
            var latest = cloud.BigQuery.LatestWithDeletes("xero_raw." + table);
            foreach (var t in cloud.Truth.Tenants)
            {
                var expected = cloud.Truth.GetRecords(t.TenantId, name);
                var deleted = cloud.Truth.DeletedIds(t.TenantId, name, hardOnly: true);
                var mine = latest.Where(e => e.Key.TenantId == t.TenantId).ToList();
                var live = mine.Where(e => e.Value.DeletedAt is null).ToDictionary(e => e.Key.RecordId, e => e.Value.Row.Payload);
                Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), live.Keys.Order(StringComparer.Ordinal));
                Assert.All(expected, e => Assert.True(live[e.Key] == e.Value, $"{table} {e.Key}: payload differs"));
                Assert.Equal(deleted.Order(StringComparer.Ordinal), mine.Where(e => e.Value.DeletedAt is not null).Select(e => e.Key.RecordId).Order(StringComparer.Ordinal));
                Assert.Equal(deleted.Count, reported[(t.TenantId, name)]);
            }
        }

        Assert.Equal(2, cloud.Truth.Tenants.Sum(t => Endpoints.Sum(e => cloud.Truth.DeletedIds(t.TenantId, e, hardOnly: true).Count)));
        Assert.Empty(cloud.BigQuery.Problems);
    }
}
