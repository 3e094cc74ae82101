using System.Text.Json;
using XeroSync.Contracts;
using XeroSync.Pipeline;
using XeroSync.Xero;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// The cloud shape end to end: POST /run on the Dispatcher -> Pub/Sub emulator push -> Worker /pubsub -> simulator
/// -> fake GCS -> finalize CloudEvent -> Worker /events -> fake BigQuery load jobs; GET /runs/{id} reports complete.
/// </summary>
public sealed class CloudSyncTests(GoogleEmulators emulators)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);

    // Twice the deliveries through the shared Firestore limiter: measured at about 23 Xero calls a minute here
    // (the limiter's per-permit latency under many concurrent handlers), so this run needs minutes, not seconds.
    private static readonly TimeSpan DuplicateRunTimeout = TimeSpan.FromMinutes(8);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cloud_run_lands_every_endpoint_exactly_as_the_simulator_holds_it_with_one_load_per_manifest()
    {
        await using var cloud = await CloudEnvironment.StartAsync(emulators, Token);

        var runId = await cloud.StartRunAsync(Token);
        Assert.Equal("complete", await cloud.WaitForStateAsync(runId, RunTimeout, Token, "complete", "partial"));

        await EventuallyAsync(() =>
        {
            AssertWarehouseEqualsTruth(cloud);
            AssertOneLoadPerManifest(cloud, runId);
        });
        AssertChildViewsCreated(cloud);
        Assert.Equal(0, cloud.Truth.Throttled());
        Assert.Empty(cloud.BigQuery.Problems);
    }

    [Fact]
    public async Task Every_finalize_event_delivered_twice_concurrently_still_loads_each_manifest_once_without_duplicate_rows()
    {
        await using var cloud = await CloudEnvironment.StartAsync(emulators, Token, duplicateFinalizeEvents: true);

        var runId = await cloud.StartRunAsync(Token);
        Assert.Equal("complete", await cloud.WaitForStateAsync(runId, RunTimeout, Token, "complete", "partial"));

        await EventuallyAsync(() =>
        {
            AssertWarehouseEqualsTruth(cloud, noDuplicateRows: true);
            AssertOneLoadPerManifest(cloud, runId);
        });
        Assert.Equal(0, cloud.Truth.Throttled());
        Assert.Empty(cloud.BigQuery.Problems);
    }

    [Fact]
    public async Task Every_message_pushed_twice_still_completes_with_one_load_per_manifest_and_no_duplicate_latest_rows()
    {
        await using var cloud = await CloudEnvironment.StartAsync(emulators, Token, duplicateDeliveries: true);

        var runId = await cloud.StartRunAsync(Token);
        Assert.Equal("complete", await cloud.WaitForStateAsync(runId, DuplicateRunTimeout, Token, "complete", "partial"));

        await EventuallyAsync(() =>
        {
            AssertWarehouseEqualsTruth(cloud, noDuplicateRows: false);
            AssertOneLoadPerManifest(cloud, runId);
        });
        Assert.Equal(0, cloud.Truth.Throttled());
        Assert.Empty(cloud.BigQuery.Problems);
    }

    [Fact]
    public async Task A_page_that_keeps_failing_dead_letters_and_retry_after_the_fault_clears_completes_the_run()
    {
        var failing = new System.Runtime.CompilerServices.StrongBox<bool>(true);
        await using var cloud = await CloudEnvironment.StartAsync(
            emulators,
            Token,
            failXeroRequest: r => Volatile.Read(ref failing.Value) && r.RequestUri!.AbsolutePath.EndsWith("/Invoices", StringComparison.OrdinalIgnoreCase),
            deadLetterToWorker: true);

        var runId = await cloud.StartRunAsync(Token);
        Assert.Equal("partial", await cloud.WaitForStateAsync(runId, TimeSpan.FromSeconds(300), Token, "complete", "partial"));
        var deadLettered = await cloud.PubSub.PullAsync(cloud.DeadLetterPull, 100, Token);
        Assert.NotEmpty(deadLettered);

        Volatile.Write(ref failing.Value, false);
        await cloud.RetryRunAsync(runId, Token);
        Assert.Equal("complete", await cloud.WaitForStateAsync(runId, RunTimeout, Token, "complete"));

        await EventuallyAsync(() =>
        {
            AssertWarehouseEqualsTruth(cloud);
            AssertOneLoadPerManifest(cloud, runId);
        });
        Assert.Empty(cloud.BigQuery.Problems);
    }

    /// <summary>
    /// Retries the assertions every 500 ms for up to a minute, then lets the last failure through. GET /runs/{id}
    /// can report "complete" in the moment between a page being recorded done and its manifest being claimed
    /// (a known status race), so the loads may still be landing when the state first reads complete.
    /// </summary>
    private static async Task EventuallyAsync(Action assertions)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(1);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        while (true)
        {
            try
            {
                assertions();
                return;
            }
            catch (Xunit.Sdk.XunitException) when (DateTimeOffset.UtcNow < deadline)
            {
                await timer.WaitForNextTickAsync(Token);
            }
        }
    }

    internal static void AssertWarehouseEqualsTruth(CloudEnvironment cloud, bool noDuplicateRows = false)
    {
        foreach (var endpoint in EndpointCatalog.All)
        {
            var expected = new Dictionary<(string, string), string>();
            foreach (var tenant in cloud.Truth.Tenants)
            {
                foreach (var (id, json) in cloud.Truth.GetRecords(tenant.TenantId, endpoint.Name))
                {
                    expected[(tenant.TenantId, id)] = json;
                }
            }

            var actual = cloud.BigQuery.Latest("xero_raw." + endpoint.TableName);
            if (noDuplicateRows)
            {
                var raw = cloud.BigQuery.Rows("xero_raw." + endpoint.TableName).Count;
                Assert.True(raw == expected.Count, $"xero_raw.{endpoint.TableName}: {raw} raw rows for {expected.Count} records (a page was loaded twice)");
            }

            Assert.True(expected.Count == actual.Count, $"xero_raw.{endpoint.TableName}: {actual.Count} latest rows, simulator has {expected.Count}");
            foreach (var (key, json) in expected)
            {
                Assert.True(actual.TryGetValue(key, out var row), $"xero_raw.{endpoint.TableName} lacks {key}");
                Assert.True(json == row.Payload, $"xero_raw.{endpoint.TableName} {key}: payload differs from what the simulator sent");
            }

            Assert.True(cloud.BigQuery.Tables.ContainsKey("xero." + endpoint.TableName), $"view xero.{endpoint.TableName} missing");
            Assert.True(
                cloud.BigQuery.Tables.TryGetValue("xero_typed." + endpoint.TableName, out var typed) && typed is not null && typed.Contains($".xero.{endpoint.TableName}` AS r", StringComparison.Ordinal),
                $"typed view xero_typed.{endpoint.TableName} over the latest view missing");
        }
    }

    /// <summary>Child views of nested arrays, created through the BigQuery adapter: one row per element of the parent's array.</summary>
    private static void AssertChildViewsCreated(CloudEnvironment cloud)
    {
        foreach (var (view, parent, array) in new[]
        {
            ("invoice_line_items", "invoices", "LineItems"), ("credit_note_line_items", "credit_notes", "LineItems"),
            ("bank_transaction_line_items", "bank_transactions", "LineItems"), ("journal_lines", "journals", "JournalLines"),
            ("overpayment_allocations", "overpayments", "Allocations"), ("prepayment_allocations", "prepayments", "Allocations"),
            ("contact_addresses", "contacts", "Addresses"), ("contact_phones", "contacts", "Phones"),
            ("tracking_category_options", "tracking_categories", "Options"),
        })
        {
            Assert.True(cloud.BigQuery.Tables.TryGetValue("xero_typed." + view, out var query) && query is not null, $"child view xero_typed.{view} missing");
            Assert.Contains($".xero.{parent}` AS r CROSS JOIN UNNEST(JSON_QUERY_ARRAY(r.payload, '$.{array}'))", query, StringComparison.Ordinal);
        }
    }

    /// <summary>Every manifest listing objects was loaded by exactly one job, under its deterministic id, with the rows it lists.</summary>
    internal static int AssertOneLoadPerManifest(CloudEnvironment cloud, string runId)
    {
        var objects = cloud.Gcs.Objects;
        var manifests = objects.Keys.Where(n => ObjectNames.IsManifest(n) && n.Contains("/run=" + runId + "/", StringComparison.Ordinal)).ToList();
        Assert.Equal(cloud.Truth.Tenants.Count * EndpointCatalog.All.Count, manifests.Count(n => n.EndsWith("/_manifest.json", StringComparison.Ordinal)));
        var jobs = cloud.BigQuery.LoadJobs.GroupBy(j => j.JobId).ToDictionary(g => g.Key, g => g.ToList());
        var loads = 0;
        foreach (var name in manifests)
        {
            using var manifest = JsonDocument.Parse(objects[name]);
            var listed = manifest.RootElement.GetProperty("objects").GetArrayLength();
            var records = manifest.RootElement.GetProperty("records").GetInt64();
            var jobId = ManifestLoader.JobId(name);
            if (listed == 0)
            {
                Assert.False(jobs.ContainsKey(jobId), $"{name} lists no objects but was loaded");
                continue;
            }

            Assert.True(jobs.TryGetValue(jobId, out var job) && job.Count == 1, $"{name}: expected one load job {jobId}");
            Assert.Equal(records, job[0].Rows);
            Assert.Equal(listed, job[0].SourceUris.Count);
            loads++;
        }

        Assert.Equal(loads, cloud.BigQuery.LoadJobs.Count(j => j.SourceUris.Any(u => u.Contains("/run=" + runId + "/", StringComparison.Ordinal))));
        return loads;
    }
}
