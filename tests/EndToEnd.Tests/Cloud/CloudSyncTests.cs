using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using System.Text.Json;
using System.Text.RegularExpressions;
using XeroSync.Contracts;
using XeroSync.Pipeline;
using XeroSync.Xero;
using XeroSync.XeroSimulator;

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

    [Fact(Timeout = 600_000)]
    public async Task Cloud_run_lands_every_endpoint_exactly_as_the_simulator_holds_it_with_one_load_per_manifest()
    {
        await using var cloud = await CloudEnvironment.StartAsync(emulators, Token);

        var runId = await cloud.StartRunAsync(Token);
        Assert.Equal("complete", await cloud.WaitForStateAsync(runId, RunTimeout, Token, "complete", "partial"));

        AssertWarehouseEqualsTruth(cloud);
        AssertOneLoadPerManifest(cloud, runId);
        AssertChildViewsCreated(cloud);
        Assert.Equal(0, cloud.Truth.Throttled());
        Assert.Empty(cloud.BigQuery.Problems);
    }

    [Fact(Timeout = 600_000)]
    public async Task Every_finalize_event_delivered_twice_concurrently_still_loads_each_manifest_once_without_duplicate_rows()
    {
        await using var cloud = await CloudEnvironment.StartAsync(emulators, Token, duplicateFinalizeEvents: true);

        var runId = await cloud.StartRunAsync(Token);
        Assert.Equal("complete", await cloud.WaitForStateAsync(runId, RunTimeout, Token, "complete", "partial"));

        AssertWarehouseEqualsTruth(cloud, noDuplicateRows: true);
        AssertOneLoadPerManifest(cloud, runId);
        Assert.Equal(0, cloud.Truth.Throttled());
        Assert.Empty(cloud.BigQuery.Problems);
    }

    [Fact(Timeout = 600_000)]
    public async Task Every_message_pushed_twice_still_completes_with_one_load_per_manifest_and_no_duplicate_latest_rows()
    {
        await using var cloud = await CloudEnvironment.StartAsync(emulators, Token, duplicateDeliveries: true);

        var runId = await cloud.StartRunAsync(Token);
        Assert.Equal("complete", await cloud.WaitForStateAsync(runId, DuplicateRunTimeout, Token, "complete", "partial"));

        AssertWarehouseEqualsTruth(cloud, noDuplicateRows: false);
        AssertOneLoadPerManifest(cloud, runId);
        Assert.Equal(0, cloud.Truth.Throttled());
        Assert.Empty(cloud.BigQuery.Problems);
    }

    [Fact(Timeout = 1_200_000)]
    public async Task Requests_failing_every_delivery_in_every_paging_style_end_the_run_partial_and_retry_completes_it()
    {
        // One request per paging style fails on every delivery: a range page, a page-only chain, a Journals offset, a single call.
        var failing = new[] { new FailingRequest("Invoices", "page=3"), new FailingRequest("Quotes", "page=3"), new FailingRequest("Journals", "offset=200"), new FailingRequest("Organisation") };
        string[] endpoints = ["Invoices", "Quotes", "Journals", "Organisation"];
        await using var cloud = await CloudEnvironment.StartAsync(
            emulators,
            Token,
            // Scale 2.2: Invoices (1,000 at scale 1) need a third page of 1,000 for the failing range page.
            o => new SimulatorOptions { Seed = o.Seed, Tenants = 1, ChangesPerMinute = 0, Scale = 2.2, Clock = o.Clock, Faults = new SimulatorFaults { FailingRequests = failing } },
            deadLetterToWorker: true,
            // A 180 s deadline gives a 90 s delivery budget, longer than a rate-limit minute (production: 540 s), so
            // the failing deliveries' retries (6 calls each) never leave a delivery short of a permit.
            pushDeadlineSeconds: 180,
            // The emulator's push redelivers a failing message 3 times and then stops (measured; the run then sat
            // "running" for 15 min in CI): the subscription is pulled and pushed to the Worker by the test instead,
            // with the same ack deadline, retry policy and dead-letter policy (5 attempts).
            pullDriven: true,
            // Both services read their options once at start into a singleton: set the retries on that instance.
            configureService: (_, builder) => ((IOptions<XeroOptions>)builder.Services.Single(d => d.ServiceType == typeof(IOptions<XeroOptions>)).ImplementationInstance!).Value.MaxRetries = XeroRetries);
        var tenant = cloud.Truth.Tenants[0].TenantId;

        var runId = await cloud.StartRunAsync(Token, endpoints);
        Assert.Equal("partial", await cloud.WaitForStateAsync(runId, TimeSpan.FromSeconds(900), Token, "complete", "partial"));

        // Exactly one message per failing request was dead-lettered: the one that carried it.
        var dead = await cloud.PullDeadLettersAsync(Token);
        var deadRequests = dead.Select(m => JsonSerializer.Deserialize<JsonElement>(m.Data.Span)).ToList();
        Assert.Equal(failing.Select(r => r.Endpoint).Order(StringComparer.Ordinal), deadRequests.Select(r => r.GetProperty("endpoint").GetString()!).Order(StringComparer.Ordinal));
        var delivered = cloud.DriverDelivered;
        foreach (var rule in failing)
        {
            // The fault really happened on every delivery of its message, and each delivery tried the request exactly
            // as often as the Worker was configured to (1 + XeroRetries): failed calls = deliveries x attempts.
            var data = dead.Single(m => JsonSerializer.Deserialize<JsonElement>(m.Data.Span).GetProperty("endpoint").GetString() == rule.Endpoint).Data.ToArray();
            var deliveries = delivered.Where(d => d.Data.AsSpan().SequenceEqual(data)).ToList();
            Assert.Equal(CloudEnvironment.FetchDeliveryAttempts, deliveries.Count);
            Assert.Equal(Enumerable.Range(1, CloudEnvironment.FetchDeliveryAttempts), deliveries.Select(d => d.DeliveryAttempt).Order());
            var calls = cloud.Truth.Requests.Count(r => r.Endpoint == rule.Endpoint && r.Problem == "fault:targeted");
            Assert.True(deliveries.Count * (1 + XeroRetries) == calls, $"{rule.Endpoint}: {calls} failing calls logged over {deliveries.Count} deliveries of {1 + XeroRetries} attempts");
        }

        // Exactly what succeeded is loaded: the range page alone is missing; each chain stops at its failing page.
        foreach (var endpoint in endpoints)
        {
            var rules = cloud.Truth.EndpointRules.Single(e => e.Name == endpoint);
            var total = cloud.Truth.Count(tenant, endpoint);
            var expected = rules.Paging switch
            {
                "page+size" => total - Math.Min(rules.FullPage, total - (2 * rules.FullPage)),
                "page" or "offset" => 2 * rules.FullPage,
                _ => 0,
            };
            var table = "xero_raw." + SimulatorTruth.TableName(endpoint);
            Assert.Equal(expected, cloud.BigQuery.Rows(table).Count);
            var truth = cloud.Truth.GetRecords(tenant, endpoint);
            Assert.All(cloud.BigQuery.Latest(table), r => Assert.Equal(truth[r.Key.RecordId], r.Value.Payload));
        }

        cloud.Truth.SetFaults(SimulatorFaults.None);
        await cloud.RetryRunAsync(runId, Token);
        Assert.Equal("complete", await cloud.WaitForStateAsync(runId, RunTimeout, Token, "complete"));
        AssertWarehouseEqualsTruth(cloud, noDuplicateRows: true, only: endpoints);
        Assert.Empty(cloud.BigQuery.Problems);
    }

    /// <summary>The Worker's Xero retries per delivery in the failing-delivery test (so a delivery makes 1 + this many attempts).</summary>
    private const int XeroRetries = 2;

    /// <summary>
    /// Every raw row counted, and each a version of its record the simulator served: after a kill a page may be loaded
    /// twice, but no raw table may hold a payload Xero did not send. With changes off (asserted) the one version served is
    /// the one the simulator holds now (list form in the raw table, by-id form in its detail table). Returns, per table
    /// with rows, "table raw/records" for the test's output.
    /// </summary>
    internal static string AssertRawRowsServed(CloudEnvironment cloud)
    {
        var truth = cloud.Truth;
        Assert.True(truth.Changes.Count == 0, $"{truth.Changes.Count} changes made: a record's earlier versions are no longer known");
        var counts = new List<string>();
        foreach (var endpoint in truth.Endpoints)
        {
            Check(SimulatorTruth.TableName(endpoint), tenant => truth.GetRecords(tenant, endpoint));
            if (SimulatorTruth.HasDetails(truth, endpoint))
            {
                Check(SimulatorTruth.DetailTableName(endpoint), tenant => truth.GetRecordDetails(tenant, endpoint));
            }
        }

        return string.Join(", ", counts);

        void Check(string table, Func<string, IReadOnlyDictionary<string, string>> served)
        {
            var versions = truth.Tenants.ToDictionary(t => t.TenantId, t => served(t.TenantId), StringComparer.Ordinal);
            var records = versions.Values.Sum(v => v.Count);
            var rows = cloud.BigQuery.Rows("xero_raw." + table);
            foreach (var row in rows)
            {
                Assert.True(
                    versions.TryGetValue(row.TenantId, out var ofTenant) && ofTenant.TryGetValue(row.RecordId, out var json) && json == row.Payload,
                    $"xero_raw.{table} ({row.TenantId}, {row.RecordId}): a payload the simulator never served for that record");
            }

            Assert.True(rows.Count >= records, $"xero_raw.{table}: {rows.Count} raw rows for {records} records");
            if (records > 0)
            {
                counts.Add($"{table} {rows.Count}/{records}");
            }
        }
    }

    internal static void AssertWarehouseEqualsTruth(CloudEnvironment cloud, bool noDuplicateRows = false, IReadOnlyList<string>? only = null)
    {
        foreach (var name in only ?? cloud.Truth.Endpoints)
        {
            var table = SimulatorTruth.TableName(name);
            var expected = new Dictionary<(string, string), string>();
            foreach (var tenant in cloud.Truth.Tenants)
            {
                foreach (var (id, json) in cloud.Truth.GetRecords(tenant.TenantId, name))
                {
                    expected[(tenant.TenantId, id)] = json;
                }
            }

            var actual = cloud.BigQuery.Latest("xero_raw." + table);
            if (noDuplicateRows)
            {
                var raw = cloud.BigQuery.Rows("xero_raw." + table).Count;
                Assert.True(raw == expected.Count, $"xero_raw.{table}: {raw} raw rows for {expected.Count} records (a page was loaded twice)");
            }

            Assert.True(expected.Count == actual.Count, $"xero_raw.{table}: {actual.Count} latest rows, simulator has {expected.Count}");
            foreach (var (key, json) in expected)
            {
                Assert.True(actual.TryGetValue(key, out var row), $"xero_raw.{table} lacks {key}");
                Assert.True(json == row.Payload, $"xero_raw.{table} {key}: payload differs from what the simulator sent");
            }

            Assert.True(cloud.BigQuery.Tables.ContainsKey("xero." + table), $"view xero.{table} missing");
            Assert.True(
                cloud.BigQuery.Tables.TryGetValue("xero_typed." + table, out var typed) && typed is not null && typed.Contains($".xero.{table}` AS r", StringComparison.Ordinal),
                $"typed view xero_typed.{table} over the latest view missing");
            if (SimulatorTruth.HasDetails(cloud.Truth, name))
            {
                AssertDetailsEqualTruth(cloud, name);
            }
        }
    }

    /// <summary>Budgets' lines, groups' members: the detail table holds exactly what the simulator's by-id calls serve.</summary>
    private static void AssertDetailsEqualTruth(CloudEnvironment cloud, string endpoint)
    {
        var table = SimulatorTruth.DetailTableName(endpoint);
        var expected = cloud.Truth.Tenants
            .SelectMany(t => cloud.Truth.GetRecordDetails(t.TenantId, endpoint).Select(d => ((t.TenantId, d.Key), d.Value)))
            .ToDictionary(e => e.Item1, e => e.Value);
        var actual = cloud.BigQuery.Latest("xero_raw." + table);
        Assert.True(expected.Count == actual.Count, $"xero_raw.{table}: {actual.Count} latest rows, the simulator's by-id calls serve {expected.Count}");
        foreach (var (key, json) in expected)
        {
            Assert.True(actual.TryGetValue(key, out var row) && json == row.Payload, $"xero_raw.{table} {key}: missing or differs from GET /{endpoint}/{{id}}");
        }

        Assert.True(cloud.BigQuery.Tables.ContainsKey("xero." + table), $"view xero.{table} missing");
    }

    /// <summary>Child views of nested arrays, created through the BigQuery adapter: one row per element of the parent's array.</summary>
    private static void AssertChildViewsCreated(CloudEnvironment cloud)
    {
        foreach (var (view, parent, array) in new[]
        {
            ("invoice_line_items", "Invoices", "LineItems"), ("credit_note_line_items", "CreditNotes", "LineItems"),
            ("bank_transaction_line_items", "BankTransactions", "LineItems"), ("journal_lines", "Journals", "JournalLines"),
            ("overpayment_allocations", "Overpayments", "Allocations"), ("prepayment_allocations", "Prepayments", "Allocations"),
            ("contact_addresses", "Contacts", "Addresses"), ("contact_phones", "Contacts", "Phones"),
            ("tracking_category_options", "TrackingCategories", "Options"),
            ("budget_lines", "Budgets", "BudgetLines"), ("contact_group_members", "ContactGroups", "Contacts"),
        })
        {
            // Budget lines and group members come only from the by-id calls: their child views read the detail tables.
            var table = array is "BudgetLines" or "Contacts" ? SimulatorTruth.DetailTableName(parent) : SimulatorTruth.TableName(parent);
            Assert.True(cloud.BigQuery.Tables.TryGetValue("xero_typed." + view, out var query) && query is not null, $"child view xero_typed.{view} missing");
            Assert.Contains($".xero.{table}` AS r CROSS JOIN UNNEST(JSON_QUERY_ARRAY(r.payload, '$.{array}'))", query, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Every manifest listing objects was loaded by exactly one job, with the rows it lists. Manifests are found by the
    /// documented object names (docs/architecture.md: <c>xero/{table}/tenant={id}/run={run}/_manifest.json</c>, a retry's
    /// <c>_manifest-r00n.json</c>), a job by its source URIs (<c>gs://{bucket}/{object}</c>, the manifest's objects),
    /// and each job id is one BigQuery accepts (letters, digits, underscores, dashes; at most 1,024) used once.
    /// </summary>
    internal static int AssertOneLoadPerManifest(CloudEnvironment cloud, string runId)
    {
        var objects = cloud.Gcs.Objects;
        var documented = new Regex("^xero/[a-z0-9_]+/tenant=[^/]+/run=" + Regex.Escape(runId) + "/_manifest(-r[0-9]{3})?\\.json$", RegexOptions.CultureInvariant);
        var manifests = objects.Keys.Where(n => documented.IsMatch(n)).ToList();
        var details = cloud.Truth.Endpoints.Count(e => SimulatorTruth.HasDetails(cloud.Truth, e));
        Assert.Equal(cloud.Truth.Tenants.Count * (cloud.Truth.Endpoints.Count + details), manifests.Count(n => n.EndsWith("/_manifest.json", StringComparison.Ordinal)));
        var runJobs = cloud.BigQuery.LoadJobs.Where(j => j.SourceUris.Any(u => u.Contains("/run=" + runId + "/", StringComparison.Ordinal))).ToList();
        Assert.All(runJobs, j => Assert.Matches("^[A-Za-z0-9_-]{1,1024}$", j.JobId));
        Assert.Equal(runJobs.Count, runJobs.Select(j => j.JobId).Distinct(StringComparer.Ordinal).Count());
        var loads = 0;
        foreach (var name in manifests)
        {
            using var manifest = JsonDocument.Parse(objects[name]);
            var listed = manifest.RootElement.GetProperty("objects").EnumerateArray().Select(o => o.GetProperty("name").GetString()!).Order(StringComparer.Ordinal).ToList();
            var records = manifest.RootElement.GetProperty("records").GetInt64();
            if (listed.Count == 0)
            {
                continue;
            }

            var job = Assert.Single(runJobs, j => j.SourceUris.Select(u => u[(u.IndexOf("/xero/", StringComparison.Ordinal) + 1)..]).Order(StringComparer.Ordinal).SequenceEqual(listed));
            Assert.Equal(records, job.Rows);
            Assert.Equal(listed.Count, job.SourceUris.Count);
            Assert.All(job.SourceUris, u => Assert.StartsWith("gs://", u, StringComparison.Ordinal));
            loads++;
        }

        Assert.Equal(loads, cloud.BigQuery.LoadJobs.Count(j => j.SourceUris.Any(u => u.Contains("/run=" + runId + "/", StringComparison.Ordinal))));
        return loads;
    }
}
