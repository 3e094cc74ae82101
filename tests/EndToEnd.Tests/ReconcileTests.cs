using System.Globalization;
using System.Text.Json;
using XeroSync.Cli.Local;
using XeroSync.Ledger;
using XeroSync.Pipeline;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>
/// Issue 9, reconciliation, local shape: records Xero deletes outright and edits that do not bump UpdatedDateUTC never
/// reach an incremental sync; a reconcile brings the latest views back to exactly what Xero holds, with the deleted ones
/// flagged (deleted_at) and their raw rows kept, and never spends more calls than it was given. Every expectation comes
/// from the simulator's records, changes and request log.
/// </summary>
public sealed class ReconcileTests
{
    private static readonly string[] HardDeleting = ["Accounts", "Items", "TrackingCategories", "LinkedTransactions", "ContactGroups"];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 300_000)]
    public async Task After_hard_deletes_and_silent_edits_a_reconcile_makes_the_latest_views_equal_the_simulator_with_deleted_ones_flagged()
    {
        await using var demo = await StartAsync(behaviour: null);
        var tenant = demo.Truth.Tenants[0].TenantId;
        await using (var pipeline = demo.CreatePipeline())
        {
            await pipeline.SyncAsync(new RunRequest(), Token);
        }

        demo.Clock.Advance(TimeSpan.FromMinutes(10));
        foreach (var endpoint in HardDeleting)
        {
            var change = demo.Truth.ApplyChange(tenant, endpoint, ChangeKind.Delete);
            Assert.True(change.HardDelete, $"{endpoint}: the simulator's delete must be a hard one");
        }

        demo.Truth.ApplyChange(tenant, "Items", ChangeKind.Delete);
        demo.Truth.ApplyChange(tenant, "BankTransfers", ChangeKind.Delete);
        foreach (var endpoint in new[] { "Invoices", "Contacts", "Items", "Accounts" })
        {
            demo.Truth.ApplyChange(tenant, endpoint, ChangeKind.SilentEdit);
        }

        // An incremental sync sees none of it: the deleted records stay live, the silent edits stay stale.
        demo.Clock.Advance(TimeSpan.FromMinutes(10));
        await using (var pipeline = demo.CreatePipeline())
        {
            await pipeline.SyncAsync(new RunRequest(), Token);
        }

        using (var before = demo.OpenWarehouse())
        {
            Assert.True(before.Scalar("SELECT count(*) FROM xero.items WHERE deleted_at IS NULL") > demo.Truth.Count(tenant, "Items"), "an incremental sync cannot see a hard delete");
        }

        demo.Clock.Advance(TimeSpan.FromMinutes(10));
        demo.Truth.ResetRequestLog();
        StartedReconcile started;
        IReadOnlyList<EndpointState> states;
        await using (var pipeline = demo.CreatePipeline())
        {
            started = await pipeline.ReconcileAsync(new RunRequest { Reconcile = true }, Token);
            states = await pipeline.Ledger.GetRunEndpointsAsync(started.Run.RunId, Token);
        }

        Assert.All(states, s => Assert.True(s.IsComplete, $"{s.Endpoint}: {s.Phase}"));
        Assert.DoesNotContain(started.Run.Endpoints, e => e == "Journals");
        AssertViewsEqualTruthWithDeletesFlagged(demo, tenant);

        // What the run summary shows: per endpoint the ids swept (= what Xero serves) and the deletes found (= the hard deletes).
        // A detail endpoint (README: budgets_details, contact_groups_details) sweeps its list's ids: the simulator's by-id records.
        foreach (var state in states)
        {
            var listed = ListedEndpoint(demo, state.Endpoint);
            var swept = listed == state.Endpoint ? demo.Truth.GetRecords(tenant, listed).Count : demo.Truth.GetRecordDetails(tenant, listed).Count;
            Assert.Equal(swept, state.Swept);
            Assert.Equal(demo.Truth.DeletedIds(tenant, listed, hardOnly: true).Count, state.Deletes);
        }

        Assert.Equal(demo.Truth.Requests.Count(r => r.TenantId == tenant), states.Sum(s => s.Calls) + started.Budgets.Single().ProbeCalls);
        Assert.Contains(demo.Truth.Requests, r => r.TenantId == tenant && r.Endpoint == "BankTransfers" && r.PathAndQuery.Contains("includeDeleted=true", StringComparison.Ordinal));
        Assert.DoesNotContain(demo.Truth.Requests, r => r.TenantId == tenant && r.IfModifiedSince is not null);

        // A second reconcile: Invoices and Contacts were refreshed in full moments ago, so they are ID-swept with summaryOnly
        // now; their summary records are not loaded, so the views still hold the full records. Nothing is deleted twice.
        demo.Clock.Advance(TimeSpan.FromMinutes(10));
        demo.Truth.ResetRequestLog();
        await using (var pipeline = demo.CreatePipeline())
        {
            started = await pipeline.ReconcileAsync(new RunRequest { Reconcile = true }, Token);
            states = await pipeline.Ledger.GetRunEndpointsAsync(started.Run.RunId, Token);
        }

        Assert.Equal(["Contacts", "Invoices"], started.Run.Reconcile!.SweepOnly.Order(StringComparer.Ordinal));
        Assert.All(demo.Truth.Requests.Where(r => r.TenantId == tenant && r.Endpoint is "Invoices" or "Contacts"), r => Assert.Contains("summaryOnly=true", r.PathAndQuery, StringComparison.Ordinal));
        Assert.All(states, s => Assert.True(s.IsComplete && s.Deletes == 0, $"{s.Endpoint}: {s.Phase}, {s.Deletes} deletes"));
        AssertViewsEqualTruthWithDeletesFlagged(demo, tenant);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_reconcile_given_a_small_budget_never_exceeds_it_and_defers_what_does_not_fit_without_flagging_anything()
    {
        // Xero serves 20 a page, so the plan's estimate (1,000 a page) is short for Invoices: the ledger's budget, not the
        // estimate, has to stop the calls.
        const int Cap = 20;
        const int Budget = 5;
        await using var demo = await StartAsync(new SimulatorBehaviour { PageSizeCap = Cap });
        var tenant = demo.Truth.Tenants[0].TenantId;
        await using (var pipeline = demo.CreatePipeline())
        {
            await pipeline.SyncAsync(new RunRequest(), Token);
        }

        Assert.True(demo.Truth.Count(tenant, "Invoices") > 4 * Cap, "Invoices must need more pages than the budget allows");
        demo.Clock.Advance(TimeSpan.FromMinutes(10));
        demo.Truth.ApplyChange(tenant, "Items", ChangeKind.Delete);
        demo.Truth.ResetRequestLog();
        StartedReconcile started;
        IReadOnlyList<EndpointState> states;
        await using (var pipeline = demo.CreatePipeline())
        {
            started = await pipeline.ReconcileAsync(new RunRequest { Reconcile = true, CallBudget = Budget, Endpoints = ["Invoices", "Items", "Contacts", "Payments", "Users"] }, Token);
            states = await pipeline.Ledger.GetRunEndpointsAsync(started.Run.RunId, Token);
        }

        var calls = demo.Truth.Requests.Count(r => r.TenantId == tenant);
        Assert.True(calls <= Budget, $"the reconcile made {calls} calls for the tenant; its budget was {Budget}");
        Assert.Equal(calls, states.Sum(s => s.Calls) + started.Budgets.Single().ProbeCalls);

        // Deferred, not dropped: the plan deferred what its estimate could not fit, the ledger what the estimate missed.
        var invoices = states.Single(s => s.Endpoint == "Invoices");
        Assert.True(invoices.Deferred > 0 && invoices.Phase == EndpointPhase.Partial, $"Invoices: {invoices.Deferred} deferred pages, {invoices.Phase}");
        Assert.Contains(started.Endpoints, e => e.Deferred);
        Assert.All(started.Endpoints.Where(e => e.Deferred), e => Assert.Equal(1, states.Single(s => s.Endpoint == e.Endpoint).Deferred));
        Assert.All(states.Where(s => !s.IsComplete), s => Assert.Null(s.Swept));

        // An unfinished sweep marks nothing deleted; a finished one (Items, 1 call) marks exactly the hard delete.
        using var warehouse = demo.OpenWarehouse();
        var items = states.Single(s => s.Endpoint == "Items");
        var deleted = warehouse.Scalar("SELECT count(*) FROM xero.invoices WHERE deleted_at IS NOT NULL") + warehouse.Scalar("SELECT count(*) FROM xero.contacts WHERE deleted_at IS NOT NULL") + warehouse.Scalar("SELECT count(*) FROM xero.payments WHERE deleted_at IS NOT NULL");
        Assert.Equal(0, deleted);
        Assert.Equal(items.IsComplete ? 1 : 0, warehouse.Scalar("SELECT count(*) FROM xero.items WHERE deleted_at IS NOT NULL"));
    }

    /// <summary>The typed views of the hard-deleting endpoints, with their id column, and the child views over them: written down here, not read from the catalog.</summary>
    private static readonly (string View, string IdColumn, string Endpoint)[] TypedRecordViews =
    [
        ("accounts", "account_id", "Accounts"), ("items", "item_id", "Items"), ("tracking_categories", "tracking_category_id", "TrackingCategories"),
        ("linked_transactions", "linked_transaction_id", "LinkedTransactions"), ("contact_groups", "contact_group_id", "ContactGroups"),
    ];

    [Fact(Timeout = 300_000)]
    public async Task After_a_reconcile_the_typed_views_flag_hard_deleted_records_and_the_lines_of_deleted_parents()
    {
        await using var demo = await StartAsync(behaviour: null);
        var tenant = demo.Truth.Tenants[0].TenantId;
        await using (var pipeline = demo.CreatePipeline())
        {
            await pipeline.SyncAsync(new RunRequest(), Token);
        }

        // The arrays the deleted parents held, as the simulator served them before the delete: their lines are the child rows to flag.
        var options = demo.Truth.GetRecords(tenant, "TrackingCategories");
        var members = demo.Truth.GetRecordDetails(tenant, "ContactGroups");
        demo.Clock.Advance(TimeSpan.FromMinutes(10));
        var deletedFrom = demo.Clock.GetUtcNow();
        foreach (var endpoint in TypedRecordViews.Select(v => v.Endpoint))
        {
            Assert.True(demo.Truth.ApplyChange(tenant, endpoint, ChangeKind.Delete).HardDelete, $"{endpoint}: the simulator's delete must be a hard one");
        }

        demo.Clock.Advance(TimeSpan.FromMinutes(10));
        await using (var pipeline = demo.CreatePipeline())
        {
            var started = await pipeline.ReconcileAsync(new RunRequest { Reconcile = true, Endpoints = [.. TypedRecordViews.Select(v => v.Endpoint)] }, Token);
            Assert.All(await pipeline.Ledger.GetRunEndpointsAsync(started.Run.RunId, Token), s => Assert.True(s.IsComplete, $"{s.Endpoint}: {s.Phase}"));
        }

        var reconciledBy = demo.Clock.GetUtcNow();
        using var warehouse = demo.OpenWarehouse();
        foreach (var (view, idColumn, endpoint) in TypedRecordViews)
        {
            var deleted = demo.Truth.DeletedIds(tenant, endpoint, hardOnly: true);
            Assert.NotEmpty(deleted);
            var (_, rows) = warehouse.Query($"SELECT {idColumn}, epoch_ms(deleted_at) FROM xero_typed.{view} WHERE tenant_id = '{tenant}'");
            Assert.Equal(deleted.Order(StringComparer.Ordinal), rows.Where(r => r[1] is not null).Select(r => (string)r[0]!).Order(StringComparer.Ordinal));
            Assert.Equal(demo.Truth.GetRecords(tenant, endpoint).Keys.Order(StringComparer.Ordinal), rows.Where(r => r[1] is null).Select(r => (string)r[0]!).Order(StringComparer.Ordinal));
            Assert.All(rows.Where(r => r[1] is not null), r =>
            {
                var at = DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r[1], CultureInfo.InvariantCulture));
                Assert.True(at >= deletedFrom && at <= reconciledBy, $"xero_typed.{view} {r[0]}: deleted_at {at:O} is not between the delete ({deletedFrom:O}) and the reconcile ({reconciledBy:O})");
            });
        }

        // Child views carry their parent's deleted_at: each deleted parent's elements, as many as the simulator served.
        foreach (var (view, idColumn, endpoint, array, served) in new[]
        {
            ("tracking_category_options", "tracking_category_id", "TrackingCategories", "Options", options),
            ("contact_group_members", "contact_group_id", "ContactGroups", "Contacts", members),
        })
        {
            var expected = demo.Truth.DeletedIds(tenant, endpoint, hardOnly: true)
                .Select(id => (Id: id, Count: (long)JsonDocument.Parse(served[id]).RootElement.GetProperty(array).GetArrayLength()))
                .Where(e => e.Count > 0)
                .ToDictionary(e => e.Id, e => e.Count, StringComparer.Ordinal);
            var (_, rows) = warehouse.Query($"SELECT {idColumn}, count(*) FROM xero_typed.{view} WHERE tenant_id = '{tenant}' AND deleted_at IS NOT NULL GROUP BY ALL");
            Assert.Equal(expected, rows.ToDictionary(r => (string)r[0]!, r => (long)r[1]!, StringComparer.Ordinal));
            Assert.Equal(0, warehouse.Scalar($"SELECT count(*) FROM xero_typed.{view} AS c JOIN xero_typed.{TypedRecordViews.Single(v => v.Endpoint == endpoint).View} AS p USING (tenant_id, {idColumn}) WHERE c.deleted_at IS DISTINCT FROM p.deleted_at"));
        }

        Assert.True(warehouse.Scalar($"SELECT count(*) FROM xero_typed.tracking_category_options WHERE tenant_id = '{tenant}' AND deleted_at IS NOT NULL") > 0, "the deleted tracking category should have had options");
    }

    /// <summary>The simulator's endpoint a run's endpoint reads: itself, or for a detail endpoint ("BudgetsDetails") its list.</summary>
    private static string ListedEndpoint(LocalDemoEnvironment demo, string endpoint) =>
        demo.Truth.Endpoints.Contains(endpoint) ? endpoint : endpoint[..^"Details".Length];

    private static Task<LocalDemoEnvironment> StartAsync(SimulatorBehaviour? behaviour) =>
        LocalDemoEnvironment.StartAsync(tenants: 1, Token, o => new SimulatorOptions
        {
            Clock = o.Clock,
            Seed = o.Seed,
            Tenants = o.Tenants,
            CreatedAt = o.CreatedAt,
            ChangesPerMinute = 0,
            Scale = 0.1,
            Behaviour = behaviour ?? new SimulatorBehaviour(),
        });

    /// <summary>
    /// Every latest view: the rows without deleted_at are exactly the simulator's records (payload bytes included), the
    /// rows with deleted_at are exactly its hard-deleted records, and each of those keeps its raw row.
    /// </summary>
    private static void AssertViewsEqualTruthWithDeletesFlagged(LocalDemoEnvironment demo, string tenant)
    {
        using var warehouse = demo.OpenWarehouse();
        foreach (var endpoint in demo.Truth.Endpoints.Where(e => e != "Journals"))
        {
            var table = SimulatorTruth.TableName(endpoint);
            var (_, rows) = warehouse.Query($"SELECT record_id, payload::VARCHAR, deleted_at IS NOT NULL FROM xero.{table} WHERE tenant_id = '{tenant}'");
            var live = rows.Where(r => !(bool)r[2]!).ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
            var flagged = rows.Where(r => (bool)r[2]!).Select(r => (string)r[0]!).ToHashSet();
            var expected = demo.Truth.GetRecords(tenant, endpoint);
            Assert.True(expected.Count == live.Count, $"xero.{table}: {live.Count} live rows, the simulator serves {expected.Count}");
            foreach (var (id, json) in expected)
            {
                Assert.True(live.TryGetValue(id, out var payload) && payload == json, $"xero.{table} {id}: missing or not what the simulator serves");
            }

            Assert.Equal(demo.Truth.DeletedIds(tenant, endpoint, hardOnly: true).Order(StringComparer.Ordinal), flagged.Order(StringComparer.Ordinal));
            foreach (var id in flagged)
            {
                Assert.True(warehouse.Scalar($"SELECT count(*) FROM xero_raw.{table} WHERE record_id = '{id}' AND deleted_at IS NULL") > 0, $"xero_raw.{table} {id}: the raw row is gone");
            }
        }
    }
}
