using XeroSync.Cli;
using XeroSync.Cli.Local;
using XeroSync.Dispatcher.Routes;
using XeroSync.Ledger;
using XeroSync.Messaging.Local;
using XeroSync.Pipeline;
using XeroSync.RateLimiting;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>
/// Records edited and inserted while a sync reads them, in an organisation that lists records by UpdatedDateUTC:
/// after the first page of every paged and page-only endpoint, one record of that page (in UpdatedDateUTC order)
/// is edited, which moves it to the end and shifts every later record one place earlier across the page
/// boundary, and one record is inserted. Nothing may be lost: at the end of the run every view and raw table
/// holds exactly the simulator's records, and the calls spent re-reading are what the simulator's request log
/// shows beyond the first pass. Every expectation comes from the simulator's records, rules and log.
/// </summary>
public sealed class MidRunMovementTests
{
    private const int Cap = 50;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task Edits_and_inserts_during_a_run_lose_no_record_and_the_re_read_calls_are_counted()
    {
        await using var demo = await LocalDemoEnvironment.StartAsync(tenants: 1, Token, o => new SimulatorOptions
        {
            Clock = o.Clock,
            Seed = o.Seed,
            Tenants = o.Tenants,
            CreatedAt = o.CreatedAt,
            ChangesPerMinute = 0,
            Scale = 0.7,
            PerMinuteLimit = 100_000,
            DailyLimit = 100_000,
            Behaviour = new SimulatorBehaviour { PageSizeCap = Cap, DefaultOrder = ListOrder.UpdatedDate },
        });
        var tenant = demo.Truth.Tenants[0].TenantId;
        var moving = demo.Truth.EndpointRules.Where(r => r.Paging is "page+size" or "page").ToList();
        Assert.Equal(11, moving.Count);

        // The edit target: on page 1 when read by UpdatedDateUTC (so its edit shifts a record into that page), and
        // not on page 1 when read by id (so a sync reading by id reads it after the edit): either way the run reads
        // its edited content, and the end state is knowable.
        // Nor a member of a contact group: a group's detail lists its contacts' names, so editing a member changes a detail
        // the run may already have read (read before or after the edit, by the order the endpoints happen to run in).
        var groupDetails = demo.Truth.GetRecordDetails(tenant, "ContactGroups").Values.ToList();
        var changes = new List<ScheduledChange>();
        var initial = new Dictionary<string, int>();
        foreach (var rules in moving)
        {
            var pageSize = rules.Paging == "page+size" ? Cap : rules.FullPage;
            var byUpdate = demo.Truth.ListedIds(tenant, rules.Name);
            var firstById = demo.Truth.GetRecords(tenant, rules.Name).Keys.Order(StringComparer.Ordinal).Take(pageSize).ToHashSet(StringComparer.Ordinal);
            Assert.True(byUpdate.Count > pageSize, $"{rules.Name}: {byUpdate.Count} records fit one page of {pageSize}");
            var target = byUpdate.Take(pageSize).FirstOrDefault(id => !firstById.Contains(id) && !groupDetails.Any(g => g.Contains(id, StringComparison.Ordinal)));
            Assert.True(target is not null, $"{rules.Name}: every record on page 1 by UpdatedDateUTC is on page 1 by id too");
            initial[rules.Name] = byUpdate.Count;
            changes.Add(new ScheduledChange(rules.Name, AfterRequest: 1, ChangeKind.Edit) { RecordId = target });
            changes.Add(new ScheduledChange(rules.Name, AfterRequest: 1, ChangeKind.Insert));
        }

        demo.Truth.SetBehaviour(demo.Truth.Behaviour with { ScheduledChanges = changes });
        string runId;
        await using (var pipeline = demo.CreatePipeline(s => s with { RateLimits = new RateLimitOptions { PerMinute = 100_000, PerDay = 100_000 } }))
        {
            var started = await pipeline.SyncAsync(new RunRequest(), Token);
            runId = started.Run.RunId;
            var state = await pipeline.Ledger.GetRunStateAsync(runId, Token);
            Assert.NotNull(state);
            Assert.Equal(RunPhase.Complete, state.Phase);

            var applied = demo.Truth.Changes.Where(c => c.Scheduled).ToList();
            Assert.Equal(changes.Count, applied.Count);
            var rereadEndpoints = 0;
            foreach (var rules in moving)
            {
                var endpoint = state.Endpoints.Single(e => e.TenantId == tenant && e.Endpoint == rules.Name);
                var calls = demo.Truth.Requests.Count(r => r.TenantId == tenant && r.Endpoint == rules.Name);
                var final = demo.Truth.Count(tenant, rules.Name);

                // The first pass: page+size follows the page count page 1 reported (before any change); a page-only
                // chain reads until a short page, which it meets after the insert.
                var firstPass = rules.Paging == "page+size" ? (initial[rules.Name] + Cap - 1) / Cap : (final / rules.FullPage) + 1;
                Assert.True(endpoint.Calls == calls, $"{rules.Name}: the ledger counts {endpoint.Calls} calls, the simulator saw {calls}");
                Assert.True(endpoint.RereadCalls == calls - firstPass, $"{rules.Name}: {endpoint.RereadCalls} re-read calls counted, the simulator saw {calls} calls of which {firstPass} are the first pass");
                Assert.True(endpoint.Verification == VerificationOutcome.Verified, $"{rules.Name}: {endpoint.Verification} ({endpoint.VerificationNote})");
                rereadEndpoints += endpoint.RereadCalls > 0 ? 1 : 0;
                TestContext.Current.TestOutputHelper?.WriteLine($"{rules.Name}: {calls} calls, first pass {firstPass}, re-read {endpoint.RereadCalls}; {endpoint.VerificationNote}");

                // Served by UpdatedDateUTC (no order sent, or none allowed), the edit moved a record into page 1
                // after it was read: only a re-read can have found it.
                var orderSent = demo.Truth.Requests.Any(r => r.TenantId == tenant && r.Endpoint == rules.Name && r.PathAndQuery.Contains("order=", StringComparison.OrdinalIgnoreCase));
                if (!orderSent)
                {
                    Assert.True(endpoint.RereadCalls > 0, $"{rules.Name} is served by UpdatedDateUTC and lost a record to the edit in its first pass, but was not re-read");
                }
            }

            Assert.True(rereadEndpoints > 0, "no endpoint was re-read");
            Assert.Equal(0, demo.Truth.Throttled());

            // The summary counts each record once: a re-read endpoint's Records are its last pass, which read every
            // record the simulator holds (nothing changes after the first request), and what its earlier passes read
            // is apart, as re-read records (issue 17: 12,001 invoice records were reported for 6,001 invoices).
            var summary = await RunSummary.ReadAsync(pipeline.Ledger, state, Token);
            foreach (var endpoint in state.Endpoints.Where(e => e.TenantId == tenant))
            {
                var reread = summary.RereadRecordsOf(endpoint);
                if (endpoint.Pass == 0)
                {
                    Assert.True(reread == 0, $"{endpoint.Endpoint}: read once, but {reread} re-read records");
                    continue;
                }

                Assert.True(reread > 0, $"{endpoint.Endpoint}: re-read, but no re-read records");
                Assert.True(endpoint.Records - reread == demo.Truth.Count(tenant, endpoint.Endpoint), $"{endpoint.Endpoint}: {endpoint.Records} records read, {reread} of them re-read, the simulator holds {demo.Truth.Count(tenant, endpoint.Endpoint)}");
            }

            Assert.Equal(state.Endpoints.Sum(e => e.Records), summary.Records + summary.RereadRecords);
        }

        demo.AssertViewsEqualTruth();
        using var warehouse = demo.OpenWarehouse();
        foreach (var rules in moving)
        {
            // The raw table holds every record the simulator has, and no other (a re-read lands a record twice).
            var table = SimulatorTruth.TableName(rules.Name);
            var expected = demo.Truth.GetRecords(tenant, rules.Name).Keys.Order(StringComparer.Ordinal).ToList();
            var (_, rows) = warehouse.Query($"SELECT DISTINCT record_id FROM xero_raw.{table} ORDER BY record_id");
            Assert.Equal(expected, rows.Select(r => (string)r[0]!).Order(StringComparer.Ordinal));
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task An_endpoint_whose_reads_cannot_be_verified_ends_partial_with_the_reason_never_complete()
    {
        const string Endpoint = "ManualJournals";
        await using var demo = await LocalDemoEnvironment.StartAsync(tenants: 1, Token, o => new SimulatorOptions
        {
            Clock = o.Clock,
            Seed = o.Seed,
            Tenants = o.Tenants,
            CreatedAt = o.CreatedAt,
            ChangesPerMinute = 0,
            Scale = 0.7,
            Behaviour = new SimulatorBehaviour { PageSizeCap = Cap, DefaultOrder = ListOrder.UpdatedDate },
        });
        var tenant = demo.Truth.Tenants[0].TenantId;
        var total = demo.Truth.Count(tenant, Endpoint);
        Assert.True(total > Cap, $"{Endpoint}: {total} records fit one page of {Cap}");

        // The oldest record (on page 1 when listed by UpdatedDateUTC) is edited after page 1 was read: it moves to the
        // end and the first record of page 2 moves into page 1. No re-read is allowed, so nothing can find that record.
        demo.Truth.SetBehaviour(demo.Truth.Behaviour with
        {
            ScheduledChanges = [new ScheduledChange(Endpoint, AfterRequest: 1, ChangeKind.Edit) { RecordId = demo.Truth.ListedIds(tenant, Endpoint)[0] }],
        });
        await using var pipeline = demo.CreatePipeline(s => s with { Pipeline = new PipelineOptions { MaxRereads = 0 } });
        var started = await pipeline.SyncAsync(new RunRequest { Endpoints = [Endpoint] }, Token);

        var state = await pipeline.Ledger.GetRunStateAsync(started.Run.RunId, Token);
        Assert.NotNull(state);
        Assert.Equal(RunPhase.Partial, state.Phase);
        var endpoint = Assert.Single(state.Endpoints);
        Assert.Equal((EndpointPhase.Partial, VerificationOutcome.Failed, 0), (endpoint.Phase, endpoint.Verification, endpoint.RereadCalls));
        Assert.Equal($"not verified after 0 re-reads: {total - 1} distinct ids read, Xero reports {total}", endpoint.VerificationNote);
        Assert.False(endpoint.WatermarkAdvanced);
        Assert.Null(await pipeline.Watermarks.GetAsync(tenant, Endpoint, Token));
        Assert.Equal("not verified (records moved)", RunSummary.Status(endpoint));
        var status = RunStatusResponse.From(state);
        Assert.Equal(("partial", "failed"), (status.State, status.Endpoints[0].Verification));
        Assert.Equal(endpoint.VerificationNote, status.Endpoints[0].VerificationNote);

        // What was read still loads: every record but the one that moved.
        using var warehouse = demo.OpenWarehouse();
        var latest = warehouse.Latest(SimulatorTruth.TableName(Endpoint));
        var missing = demo.Truth.GetRecords(tenant, Endpoint).Keys.Where(id => !latest.ContainsKey((tenant, id))).ToList();
        Assert.Single(missing);
        Assert.Equal(demo.Truth.Requests.Count(r => r.Endpoint == Endpoint), endpoint.Calls);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_retry_that_completes_a_failed_page_verifies_the_reads_and_re_reads_what_moved()
    {
        const string Endpoint = "LinkedTransactions";
        await using var demo = await LocalDemoEnvironment.StartRealTimeAsync(tenants: 1, Token, o => new SimulatorOptions
        {
            Clock = o.Clock,
            Seed = o.Seed,
            Tenants = o.Tenants,
            CreatedAt = o.CreatedAt,
            ChangesPerMinute = 0,
            Scale = 0.7,
            Behaviour = new SimulatorBehaviour { DefaultOrder = ListOrder.UpdatedDate },
            Faults = new SimulatorFaults { FailingRequests = [new FailingRequest(Endpoint, ["page=2"])] },
        });
        var tenant = demo.Truth.Tenants[0].TenantId;
        var rules = demo.Truth.Rules(Endpoint);
        var total = demo.Truth.Count(tenant, Endpoint);
        Assert.True(total > rules.FullPage, $"{Endpoint}: {total} records fit one page");

        // After page 1 the oldest record is edited: it moves to page 2 and the first record of page 2 into page 1.
        demo.Truth.SetBehaviour(demo.Truth.Behaviour with
        {
            ScheduledChanges = [new ScheduledChange(Endpoint, AfterRequest: 1, ChangeKind.Edit) { RecordId = demo.Truth.ListedIds(tenant, Endpoint)[0] }],
        });
        string runId;
        await using (var pipeline = demo.CreatePipeline(s => FastFailure.Settings(s, 3)))
        {
            runId = (await pipeline.SyncAsync(new RunRequest { Endpoints = [Endpoint] }, Token)).Run.RunId;
            var endpoint = Assert.Single((await pipeline.Ledger.GetRunStateAsync(runId, Token))!.Endpoints);
            Assert.Equal((EndpointPhase.Partial, 1, VerificationOutcome.Pending), (endpoint.Phase, endpoint.Failed, endpoint.Verification));
        }

        // The retry reads page 2, which holds the edited record a second time: the pass is re-read, page by page.
        demo.Truth.SetFaults(SimulatorFaults.None);
        var before = demo.Truth.Requests.Count(r => r.Endpoint == Endpoint && r.StatusCode == 200);
        await using (var pipeline = demo.CreatePipeline(s => FastFailure.Settings(s, 3)))
        {
            await pipeline.RetryAsync(runId, Token);
            await pipeline.WaitForIdleAsync(Token);
            var state = (await pipeline.Ledger.GetRunStateAsync(runId, Token))!;
            Assert.Equal(RunPhase.Complete, state.Phase);
            var endpoint = Assert.Single(state.Endpoints);
            var after = demo.Truth.Requests.Count(r => r.Endpoint == Endpoint && r.StatusCode == 200);
            var rereads = (total / rules.FullPage) + 1;
            Assert.Equal((1, VerificationOutcome.Verified), (endpoint.Pass, endpoint.Verification));
            Assert.True(endpoint.RereadCalls == rereads && after - before == 1 + rereads, $"{endpoint.RereadCalls} re-read calls counted, the simulator served {after - before} calls after the retry; a pass is {rereads}");
        }

        using var warehouse = demo.OpenWarehouse();
        var latest = warehouse.Latest(SimulatorTruth.TableName(Endpoint));
        var truth = demo.Truth.GetRecords(tenant, Endpoint);
        Assert.Equal(truth.Count, latest.Count);
        Assert.All(truth, r => Assert.Equal(r.Value, latest[(tenant, r.Key)]));
    }
}
