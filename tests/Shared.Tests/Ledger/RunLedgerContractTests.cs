using Microsoft.Extensions.Time.Testing;
using XeroSync.Ledger;

namespace XeroSync.Tests.Ledger;

/// <summary>
/// The IRunLedger contract, run against every adapter (SQLite locally, Firestore on the emulator): both must
/// behave the same, because the pipeline cannot tell them apart. The expectations are the contract's own rules
/// (page plan, leases, manifest lifecycle, watermark flag), stated here from first principles.
/// </summary>
public abstract partial class RunLedgerContractTests
{
    protected const string Run = "run-1";
    protected const string Tenant = "tenant-1";
    protected const string Endpoint = "Invoices";

    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private IRunLedger? _ledger;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

    /// <summary>The ledger under test (created on first use, after the derived class is constructed).</summary>
    protected IRunLedger Ledger => _ledger ??= NewLedger();

    /// <summary>Rounds and claimers of the concurrent manifest-claim test (the emulator is slower).</summary>
    protected virtual int ClaimRounds => 5;

    protected virtual int ClaimersPerRound => 16;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected static EndpointKey Key(string endpoint = Endpoint, string tenant = Tenant) => new(Run, tenant, endpoint);

    /// <summary>A further instance over the same store, as a second process would have.</summary>
    protected abstract IRunLedger NewLedger();

    [Fact(Timeout = 60_000)]
    public async Task Runs_are_created_once_and_listed_newest_first()
    {
        var older = new RunInfo("r-old", new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.FromHours(13)), ["t1", "t2"], ["Invoices", "Contacts"], false);
        var newer = new RunInfo("r-new", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), ["t1"], ["Journals"], true);
        await Ledger.CreateRunAsync(older, [], Ct);
        await Ledger.CreateRunAsync(newer, [], Ct);
        await Ledger.CreateRunAsync(older with { Full = true, Tenants = ["other"] }, [], Ct);

        var runs = await Ledger.ListRunsAsync(10, Ct);
        Assert.Equal(["r-new", "r-old"], runs.Select(r => r.RunId));
        var stored = await Ledger.GetRunAsync("r-old", Ct);
        Assert.NotNull(stored);
        Assert.Equal(older.StartedAt, stored.StartedAt);
        Assert.Equal(["t1", "t2"], stored.Tenants);
        Assert.Equal(["Invoices", "Contacts"], stored.Endpoints);
        Assert.False(stored.Full);
        Assert.Null(await Ledger.GetRunAsync("missing", Ct));
        Assert.Single(await Ledger.ListRunsAsync(1, Ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Opening_a_run_makes_page_one_pending_and_a_second_open_changes_nothing()
    {
        await OpenAsync(new EndpointOpening(Tenant, "Journals", 500, false), new EndpointOpening(Tenant, "Organisation", null, true));
        var journals = await Ledger.GetEndpointAsync(Key("Journals"), Ct);
        Assert.Equal((null, 1, 0), (journals.LastPage, journals.Pending, journals.Done));
        Assert.Equal(500, Assert.Single(await Ledger.GetAllPagesAsync(Key("Journals"), Ct)).Offset);
        Assert.Equal(1, (await Ledger.GetEndpointAsync(Key("Organisation"), Ct)).LastPage);

        // Page 1 with no offset reads as pending, unleased, to every reader (a retry republishes it if its message was lost).
        foreach (var pages in new[] { await Ledger.GetAllPagesAsync(Key("Organisation"), Ct), await Ledger.GetPagesAsync(Key("Organisation"), 1, 3, Ct) })
        {
            var page = Assert.Single(pages);
            Assert.Equal((1, PageStatus.Pending, (string?)null, (long?)null), (page.Page, page.Status, page.LeaseOwner, page.Offset));
        }

        await DoneAsync("Journals", 1, 100, nextOffset: 600);
        await OpenAsync(new EndpointOpening(Tenant, "Journals", 500, false), new EndpointOpening(Tenant, "Organisation", null, true));
        journals = await Ledger.GetEndpointAsync(Key("Journals"), Ct);
        Assert.Equal((0, 1, 100L), (journals.Pending, journals.Done, journals.Records));
        var states = await Ledger.GetRunEndpointsAsync(Run, Ct);
        Assert.Equal(["Journals", "Organisation"], states.Select(s => s.Endpoint));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_page_lease_excludes_other_owners_until_it_expires_or_is_released()
    {
        await OpenAsync(new EndpointOpening(Tenant, Endpoint, null, false));
        var mine = await Ledger.ClaimPageAsync(Key(), 1, null, "a", Lease, Ct);
        Assert.Equal(PageClaimKind.Claimed, mine.Kind);
        var theirs = await Ledger.ClaimPageAsync(Key(), 1, null, "b", Lease, Ct);
        Assert.Equal(PageClaimKind.HeldElsewhere, theirs.Kind);
        Assert.Equal(Time.GetUtcNow() + Lease, theirs.HeldUntil);

        // Renewal by the holder pushes the expiry out; another owner cannot renew.
        Time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(await Ledger.RenewPageAsync(Key(), 1, "a", Lease, Ct));
        Assert.False(await Ledger.RenewPageAsync(Key(), 1, "b", Lease, Ct));
        Time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(PageClaimKind.HeldElsewhere, (await Ledger.ClaimPageAsync(Key(), 1, null, "b", Lease, Ct)).Kind);

        // A holder that stops renewing (it crashed) loses the page once the lease runs out.
        Time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(PageClaimKind.Claimed, (await Ledger.ClaimPageAsync(Key(), 1, null, "b", Lease, Ct)).Kind);
        Assert.False(await Ledger.RenewPageAsync(Key(), 1, "a", Lease, Ct));

        // Release frees it at once, but only for the holder.
        await Ledger.ReleasePageAsync(Key(), 1, "a", Ct);
        Assert.Equal(PageClaimKind.HeldElsewhere, (await Ledger.ClaimPageAsync(Key(), 1, null, "c", Lease, Ct)).Kind);
        await Ledger.ReleasePageAsync(Key(), 1, "b", Ct);
        Assert.Equal(PageClaimKind.Claimed, (await Ledger.ClaimPageAsync(Key(), 1, null, "c", Lease, Ct)).Kind);
    }

    [Fact(Timeout = 60_000)]
    public async Task Done_pages_are_reused_pages_past_the_end_are_refused_and_ended_pages_are_taken_back()
    {
        await OpenAsync(new EndpointOpening(Tenant, Endpoint, null, false));
        await DoneAsync(Endpoint, 1, 1000, lastPage: 3);
        Assert.Equal(PageClaimKind.AlreadyDone, (await Ledger.ClaimPageAsync(Key(), 1, null, "a", Lease, Ct)).Kind);
        Assert.Equal(PageClaimKind.BeyondEnd, (await Ledger.ClaimPageAsync(Key(), 4, null, "a", Lease, Ct)).Kind);

        await Ledger.RecordPageEndedAsync(Key(), 2, null, PageStatus.Failed, "boom", Ct);
        Assert.Equal(1, (await Ledger.GetEndpointAsync(Key(), Ct)).Failed);
        var claim = await Ledger.ClaimPageAsync(Key(), 2, null, "a", Lease, Ct);
        Assert.Equal(PageClaimKind.Claimed, claim.Kind);
        var state = await Ledger.GetEndpointAsync(Key(), Ct);
        Assert.Equal((0, 1), (state.Failed, state.Pending));
        Assert.Null(claim.Page!.Error);
    }

    [Fact(Timeout = 60_000)]
    public async Task Done_is_final_and_the_first_record_wins()
    {
        await OpenAsync(new EndpointOpening(Tenant, Endpoint, null, false));
        var first = await DoneAsync(Endpoint, 1, 7, objectName: "obj-1", lastPage: 1);
        var second = await DoneAsync(Endpoint, 1, 9, objectName: "obj-other", lastPage: 5);
        Assert.Equal((7, "obj-1"), (first.Records, first.ObjectName));
        Assert.Equal((7, "obj-1"), (second.Records, second.ObjectName));
        await Ledger.RecordPageEndedAsync(Key(), 1, null, PageStatus.Failed, "late failure", Ct);
        await Ledger.RecordPageEndedAsync(Key(), 1, null, PageStatus.Deferred, "late deferral", Ct);

        var page = Assert.Single(await Ledger.GetAllPagesAsync(Key(), Ct));
        Assert.Equal((PageStatus.Done, 7, "obj-1", (string?)null), (page.Status, page.Records, page.ObjectName, page.Error));
        var state = await Ledger.GetEndpointAsync(Key(), Ct);
        Assert.Equal((1, 1, 7L), (state.LastPage, state.Done, state.Records));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_paged_endpoint_settles_only_when_every_page_up_to_the_page_count_is_settled()
    {
        await OpenAsync(new EndpointOpening(Tenant, Endpoint, null, false));
        await DoneAsync(Endpoint, 1, 1000, lastPage: 3);

        // Page 1 told us there are 3 pages: not settled while pages 2 and 3 are unopened or pending.
        Assert.False((await Ledger.GetEndpointAsync(Key(), Ct)).IsSettled);
        await Ledger.OpenPagesAsync(Key(), [new PendingPage(2), new PendingPage(3)], Ct);
        await Ledger.OpenPagesAsync(Key(), [new PendingPage(2), new PendingPage(3)], Ct);
        Assert.Equal(2, (await Ledger.GetEndpointAsync(Key(), Ct)).Pending);
        await DoneAsync(Endpoint, 2, 1000);
        Assert.False((await Ledger.GetEndpointAsync(Key(), Ct)).IsSettled);
        await Ledger.RecordPageEndedAsync(Key(), 3, null, PageStatus.Deferred, "daily call limit reached", Ct);

        var state = await Ledger.GetEndpointAsync(Key(), Ct);
        Assert.True(state.IsSettled);
        Assert.True(state.NeedsManifest);
        Assert.True(state.HasGaps);
        Assert.Equal((2, 1, 2000L, 2), (state.Done, state.Deferred, state.Records, state.Unlisted));
        Assert.Equal(EndpointPhase.Loading, state.Phase);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_chain_is_settled_by_a_short_page_or_by_a_page_that_was_not_read()
    {
        await OpenAsync(new EndpointOpening(Tenant, "Journals", 0, false), new EndpointOpening(Tenant, "Quotes", null, false));
        await DoneAsync("Journals", 1, 100, nextOffset: 100);
        Assert.False((await Ledger.GetEndpointAsync(Key("Journals"), Ct)).IsSettled);
        var next = await Ledger.ClaimPageAsync(Key("Journals"), 2, 100, "a", Lease, Ct);
        Assert.Equal((PageClaimKind.Claimed, (long?)100), (next.Kind, next.Page!.Offset));
        await DoneAsync("Journals", 2, 40, offset: 100, nextOffset: 140, isLast: true, lastPage: 2);
        var journals = await Ledger.GetEndpointAsync(Key("Journals"), Ct);
        Assert.True(journals.IsSettled);
        Assert.False(journals.HasGaps);
        Assert.Equal((2, 140L), (journals.LastPage, journals.MaxNextOffset));

        // Quotes: page 2 is dead-lettered; nothing says where the endpoint really ends, and it is not complete.
        await DoneAsync("Quotes", 1, 100);
        await Ledger.RecordPageEndedAsync(Key("Quotes"), 2, null, PageStatus.Failed, "dead-lettered", Ct);
        var quotes = await Ledger.GetEndpointAsync(Key("Quotes"), Ct);
        Assert.Null(quotes.LastPage);
        Assert.True(quotes.IsSettled);
        Assert.True(quotes.HasGaps);
        Assert.False(quotes.IsComplete);
    }

    [Fact(Timeout = 60_000)]
    public async Task Reopening_makes_ended_pages_pending_creates_missing_ones_and_keeps_done_pages()
    {
        await OpenAsync(new EndpointOpening(Tenant, Endpoint, null, false));
        await DoneAsync(Endpoint, 1, 1000, lastPage: 4);
        await Ledger.RecordPageEndedAsync(Key(), 2, null, PageStatus.Failed, "boom", Ct);
        await Ledger.RecordPageEndedAsync(Key(), 3, null, PageStatus.Deferred, "daily", Ct);

        await Ledger.ReopenPagesAsync(Key(), [new PendingPage(1), new PendingPage(2), new PendingPage(3), new PendingPage(4)], Ct);

        var pages = await Ledger.GetAllPagesAsync(Key(), Ct);
        Assert.Equal([PageStatus.Done, PageStatus.Pending, PageStatus.Pending, PageStatus.Pending], pages.Select(p => p.Status));
        Assert.All(pages.Skip(1), p => Assert.Null(p.Error));
        Assert.Equal([2, 3], (await Ledger.GetPagesAsync(Key(), 2, 3, Ct)).Select(p => p.Page));
        var state = await Ledger.GetEndpointAsync(Key(), Ct);
        Assert.Equal((1, 3, 0, 0), (state.Done, state.Pending, state.Failed, state.Deferred));
    }

    [Fact(Timeout = 60_000)]
    public async Task Manifests_follow_the_run_and_a_retry_and_the_endpoint_completes_only_when_all_are_loaded()
    {
        await OpenAsync(new EndpointOpening(Tenant, Endpoint, null, false));
        await DoneAsync(Endpoint, 1, 10, objectName: "p1", lastPage: 3);
        await Ledger.OpenPagesAsync(Key(), [new PendingPage(2), new PendingPage(3)], Ct);
        await Ledger.RecordPageEndedAsync(Key(), 2, null, PageStatus.Failed, "boom", Ct);
        Assert.Null(await Ledger.ClaimManifestAsync(Key(), Ct));

        await DoneAsync(Endpoint, 3, 5, objectName: "p3");
        var first = await Ledger.ClaimManifestAsync(Key(), Ct);
        Assert.NotNull(first);
        Assert.Equal(0, first.Sequence);
        Assert.Equal([1, 3], first.Pages.Select(p => p.Page));
        Assert.Equal([2], first.FailedPages);
        Assert.Equal(Time.GetUtcNow(), first.ClaimedAt);

        // Not yet recorded as written: the claim is handed out again (its writer may have crashed), unchanged.
        Time.Advance(TimeSpan.FromMinutes(1));
        var again = await Ledger.ClaimManifestAsync(Key(), Ct);
        Assert.NotNull(again);
        Assert.Equal((0, first.ClaimedAt), (again.Sequence, again.ClaimedAt));
        Assert.Equal([1, 3], again.Pages.Select(p => p.Page));

        // Loaded: nothing left to hand out.
        var loaded = await Ledger.MarkManifestLoadedAsync(Key(), 0, 15, watermarkAdvanced: false, Ct);
        Assert.Null(await Ledger.ClaimManifestAsync(Key(), Ct));
        Assert.Equal(EndpointPhase.Partial, loaded.Phase);
        Assert.False(loaded.MayAdvanceWatermark);

        // Retry: the failed page is republished, read, and listed by a second manifest of its own.
        await Ledger.ReopenPagesAsync(Key(), [new PendingPage(2)], Ct);
        Assert.Equal(EndpointPhase.Running, (await Ledger.GetEndpointAsync(Key(), Ct)).Phase);
        await DoneAsync(Endpoint, 2, 3, objectName: "p2");
        var second = await Ledger.ClaimManifestAsync(Key(), Ct);
        Assert.NotNull(second);
        Assert.Equal(1, second.Sequence);
        Assert.Equal([2], second.Pages.Select(p => p.Page));
        Assert.Empty(second.FailedPages);
        Assert.Equal(EndpointPhase.Loading, (await Ledger.GetEndpointAsync(Key(), Ct)).Phase);

        var complete = await Ledger.MarkManifestLoadedAsync(Key(), 1, 3, watermarkAdvanced: false, Ct);
        Assert.Equal(EndpointPhase.Complete, complete.Phase);
        Assert.True(complete.MayAdvanceWatermark);
        Assert.Equal((2, 2, 18L), (complete.ManifestsClaimed, complete.ManifestsLoaded, complete.Records));
        await Ledger.MarkManifestLoadedAsync(Key(), 1, 3, watermarkAdvanced: false, Ct);
        await Ledger.MarkWatermarkAdvancedAsync(Key(), Ct);
        var after = await Ledger.GetEndpointAsync(Key(), Ct);
        Assert.False(after.MayAdvanceWatermark);
        Assert.True(after.IsComplete);

        var manifests = await Ledger.GetManifestsAsync(Key(), Ct);
        Assert.Equal([(0, ManifestState.Loaded, 15L, (long?)15), (1, ManifestState.Loaded, 3L, 3)], manifests.Select(m => (m.Sequence, m.State, m.Records, m.LoadedRows)));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_load_recorded_with_its_watermark_sets_the_flag_in_that_write_and_only_when_the_load_is_new()
    {
        await OpenAsync(new EndpointOpening(Tenant, "Organisation", null, true));
        await DoneAsync("Organisation", 1, 1, objectName: "o1", isLast: true, lastPage: 1);
        var claim = await Ledger.ClaimManifestAsync(Key("Organisation"), Ct);
        Assert.NotNull(claim);

        // Straight from claimed (the writer's record may not have landed): the load and the flag together.
        var state = await Ledger.MarkManifestLoadedAsync(Key("Organisation"), claim.Sequence, 1, watermarkAdvanced: true, Ct);
        Assert.True(state.IsComplete);
        Assert.True(state.WatermarkAdvanced);
        Assert.False(state.MayAdvanceWatermark);
        Assert.Equal((1, 1), (state.ManifestsClaimed, state.ManifestsLoaded));

        // A manifest already loaded or failed takes no flag with a later load: that load recorded nothing.
        await OpenAsync(new EndpointOpening(Tenant, "Users", null, true));
        await DoneAsync("Users", 1, 2, objectName: "u1", isLast: true, lastPage: 1);
        var users = await Ledger.ClaimManifestAsync(Key("Users"), Ct);
        Assert.NotNull(users);
        await Ledger.MarkManifestFailedAsync(Key("Users"), users.Sequence, "loaded 0 rows but the manifest lists 2", Ct);
        var failed = await Ledger.MarkManifestLoadedAsync(Key("Users"), users.Sequence, 2, watermarkAdvanced: true, Ct);
        Assert.False(failed.WatermarkAdvanced);
        Assert.Equal(EndpointPhase.Partial, failed.Phase);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_failed_load_leaves_the_endpoint_partial_and_never_complete()
    {
        await OpenAsync(new EndpointOpening(Tenant, "Organisation", null, true));
        await DoneAsync("Organisation", 1, 1, objectName: "o1", isLast: true, lastPage: 1);
        var claim = await Ledger.ClaimManifestAsync(Key("Organisation"), Ct);
        Assert.NotNull(claim);
        await Ledger.MarkManifestFailedAsync(Key("Organisation"), claim.Sequence, "loaded 0 rows but the manifest lists 1", Ct);
        await Ledger.MarkManifestLoadedAsync(Key("Organisation"), claim.Sequence, 1, watermarkAdvanced: false, Ct);

        var state = await Ledger.GetEndpointAsync(Key("Organisation"), Ct);
        Assert.Equal(EndpointPhase.Partial, state.Phase);
        Assert.False(state.MayAdvanceWatermark);
        var manifest = Assert.Single(await Ledger.GetManifestsAsync(Key("Organisation"), Ct));
        Assert.Equal(ManifestState.Failed, manifest.State);
        Assert.Contains("0 rows", manifest.Error, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_tenant_not_entitled_on_page_one_is_skipped_with_an_empty_manifest()
    {
        await OpenAsync(new EndpointOpening(Tenant, "Journals", 0, false));
        await Ledger.RecordPageEndedAsync(Key("Journals"), 1, 0, PageStatus.NotEntitled, "not entitled (403)", Ct);
        var claim = await Ledger.ClaimManifestAsync(Key("Journals"), Ct);
        Assert.NotNull(claim);
        Assert.Empty(claim.Pages);
        var state = await Ledger.MarkManifestLoadedAsync(Key("Journals"), 0, 0, watermarkAdvanced: false, Ct);
        Assert.Equal(EndpointPhase.Skipped, state.Phase);
        Assert.True(state.IsComplete);
        Assert.False(state.MayAdvanceWatermark);
    }

    [Fact(Timeout = 120_000)]
    public async Task Exactly_one_concurrent_claimer_wins_across_two_ledger_instances()
    {
        for (var round = 0; round < ClaimRounds; round++)
        {
            var endpoint = $"Endpoint{round}";
            await OpenAsync(new EndpointOpening(Tenant, endpoint, null, false));
            await DoneAsync(endpoint, 1, 10, objectName: "p1", lastPage: 20);
            await Ledger.OpenPagesAsync(Key(endpoint), [.. Enumerable.Range(2, 19).Select(p => new PendingPage(p))], Ct);
            for (var p = 2; p <= 20; p++)
            {
                await DoneAsync(endpoint, p, 10, objectName: $"p{p}");
            }

            // As a second process would: its own instance (database object and pool, or client) on the same store.
            var other = NewLedger();
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var claimers = Enumerable.Range(0, ClaimersPerRound).Select(i => Task.Run(
                async () =>
                {
                    await start.Task;
                    var claim = await (i % 2 == 0 ? Ledger : other).ClaimManifestAsync(Key(endpoint), Ct);
                    return claim;
                },
                Ct)).ToArray();
            start.SetResult();
            var claims = await Task.WhenAll(claimers);

            // Concurrent callers that lost may see the winner's claim as not yet written: same sequence, same pages.
            var nonNull = claims.Where(c => c is not null).ToList();
            Assert.NotEmpty(nonNull);
            Assert.All(nonNull, c => Assert.Equal(0, c!.Sequence));
            Assert.All(nonNull, c => Assert.Equal(20, c!.Pages.Count));
            var state = await other.GetEndpointAsync(Key(endpoint), Ct);
            Assert.Equal((1, 0), (state.ManifestsClaimed, state.Unlisted));
            Assert.Single(await other.GetManifestsAsync(Key(endpoint), Ct));
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Concurrent_page_writes_from_many_threads_all_land()
    {
        await OpenAsync(new EndpointOpening(Tenant, Endpoint, null, false));
        await DoneAsync(Endpoint, 1, 1, objectName: "p1", lastPage: 100);
        await Ledger.OpenPagesAsync(Key(), [.. Enumerable.Range(2, 99).Select(p => new PendingPage(p))], Ct);
        var other = NewLedger();
        await Parallel.ForEachAsync(Enumerable.Range(2, 99), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (p, ct) =>
        {
            var ledger = p % 2 == 0 ? Ledger : other;
            var owner = $"owner-{p}";
            Assert.Equal(PageClaimKind.Claimed, (await ledger.ClaimPageAsync(Key(), p, null, owner, Lease, ct)).Kind);
            await ledger.RecordPageDoneAsync(new PageDone(Key(), p, 1, $"p{p}", null, null, false, null) { Calls = 1, Throttles = p % 10 == 0 ? 1 : 0 }, ct);
        });

        var state = await Ledger.GetEndpointAsync(Key(), Ct);
        Assert.Equal((100, 0, 100L, 99, 10, 100), (state.Done, state.Pending, state.Records, state.Calls, state.Throttles, state.Unlisted));
        Assert.True(state.IsSettled);
    }

    [Fact(Timeout = 120_000)]
    public async Task Done_survives_racing_ended_writes_from_two_instances()
    {
        var other = NewLedger();
        await OpenAsync(new EndpointOpening(Tenant, Endpoint, null, false));
        await DoneAsync(Endpoint, 1, 5, objectName: "p1", lastPage: 10);
        await Ledger.OpenPagesAsync(Key(), [.. Enumerable.Range(2, 9).Select(p => new PendingPage(p))], Ct);
        await Task.WhenAll(Enumerable.Range(2, 9).SelectMany(p => new[]
        {
            Task.Run(() => Ledger.RecordPageDoneAsync(new PageDone(Key(), p, 5, $"p{p}", null, null, false, null), Ct), Ct),
            Task.Run(() => other.RecordPageEndedAsync(Key(), p, null, PageStatus.Failed, "late", Ct), Ct),
            Task.Run(() => other.RecordPageEndedAsync(Key(), p, null, PageStatus.Deferred, "late", Ct), Ct),
        }));

        var pages = await Ledger.GetAllPagesAsync(Key(), Ct);
        Assert.All(pages, p => Assert.Equal(PageStatus.Done, p.Status));
        var state = await other.GetEndpointAsync(Key(), Ct);
        Assert.Equal((10, 0, 0, 50L), (state.Done, state.Failed, state.Deferred, state.Records));
    }

    [Fact(Timeout = 60_000)]
    public async Task Identifiers_with_slashes_and_tildes_stay_distinct()
    {
        await Ledger.CreateRunAsync(new RunInfo(Run, Time.GetUtcNow(), ["a/b", "a"], ["c~d", "b/c~d"], false), [new EndpointOpening("a/b", "c~d", null, false), new EndpointOpening("a", "b/c~d", null, false)], Ct);
        await Ledger.RecordPageDoneAsync(new PageDone(new EndpointKey(Run, "a/b", "c~d"), 1, 1, "x", null, null, true, 1), Ct);
        await Ledger.RecordPageDoneAsync(new PageDone(new EndpointKey(Run, "a", "b/c~d"), 1, 2, "y", null, null, true, 1), Ct);
        Assert.Equal(1, (await Ledger.GetEndpointAsync(new EndpointKey(Run, "a/b", "c~d"), Ct)).Records);
        Assert.Equal(2, (await Ledger.GetEndpointAsync(new EndpointKey(Run, "a", "b/c~d"), Ct)).Records);
        Assert.Equal(2, (await Ledger.GetRunEndpointsAsync(Run, Ct)).Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task Pages_with_record_ids_hold_the_manifest_until_verified_and_the_ids_are_tallied_per_pass()
    {
        await OpenAsync(new EndpointOpening(Tenant, Endpoint, null, false));
        await IdsDoneAsync(Endpoint, 1, ["a", "b"], itemCount: 5, lastPage: 3);
        await Ledger.OpenPagesAsync(Key(), [new PendingPage(2), new PendingPage(3)], Ct);
        await IdsDoneAsync(Endpoint, 2, ["b", "c"], itemCount: 5);
        await IdsDoneAsync(Endpoint, 3, ["d"], itemCount: 6);

        // Settled, but the ids are not yet checked: no manifest, not finished.
        var state = await Ledger.GetEndpointAsync(Key(), Ct);
        Assert.True(state.IsSettled);
        Assert.True(state.VerificationRequired);
        Assert.True(state.AwaitsVerification);
        Assert.False(state.NeedsManifest);
        Assert.Null(await Ledger.ClaimManifestAsync(Key(), Ct));
        Assert.Equal(new IdTally(0, 1, 4, 5, 4, 6), await Ledger.TallyIdsAsync(Key(), Ct));

        // A second done record of a page changes neither its ids nor the tally (the first record wins).
        await IdsDoneAsync(Endpoint, 3, ["d", "e", "f"], itemCount: 9);
        Assert.Equal(new IdTally(0, 1, 4, 5, 4, 6), await Ledger.TallyIdsAsync(Key(), Ct));

        Assert.Equal((int?)4, await Ledger.StartRereadAsync(Key(), 0, Ct));
        Assert.Null(await Ledger.StartRereadAsync(Key(), 0, Ct));
        state = await Ledger.GetEndpointAsync(Key(), Ct);
        Assert.Equal((1, 4, (int?)null, 1), (state.Pass, state.PassFirstPage, state.LastPage, state.Pending));
        Assert.False(state.IsSettled);
        Assert.Equal(EndpointPhase.Running, state.Phase);
        Assert.Equal(PageClaimKind.Claimed, (await Ledger.ClaimPageAsync(Key(), 4, null, "a", Lease, Ct)).Kind);
        await IdsDoneAsync(Endpoint, 4, ["a", "b", "c"], itemCount: 6, reread: true);
        Assert.False((await Ledger.GetEndpointAsync(Key(), Ct)).IsSettled);
        await IdsDoneAsync(Endpoint, 5, ["d", "e", "f"], itemCount: 6, isLast: true, lastPage: 5, reread: true);

        Assert.Equal(new IdTally(1, 4, 6, 6, 6, 6), await Ledger.TallyIdsAsync(Key(), Ct));
        state = await Ledger.GetEndpointAsync(Key(), Ct);
        Assert.Equal((5, 2, 2, true), (state.LastPage, state.RereadCalls, state.Calls, state.AwaitsVerification));

        // Only the current pass's verification counts; the first outcome wins.
        await Ledger.RecordVerificationAsync(Key(), 0, VerificationOutcome.Failed, "stale", Ct);
        Assert.True((await Ledger.GetEndpointAsync(Key(), Ct)).AwaitsVerification);
        await Ledger.RecordVerificationAsync(Key(), 1, VerificationOutcome.Verified, "6 of 6", Ct);
        await Ledger.RecordVerificationAsync(Key(), 1, VerificationOutcome.Failed, "late", Ct);
        state = await Ledger.GetEndpointAsync(Key(), Ct);
        Assert.Equal((VerificationOutcome.Verified, "6 of 6", true), (state.Verification, state.VerificationNote, state.NeedsManifest));
        Assert.Null(await Ledger.StartRereadAsync(Key(), 1, Ct));

        var claim = await Ledger.ClaimManifestAsync(Key(), Ct);
        Assert.NotNull(claim);
        Assert.Equal([1, 2, 3, 4, 5], claim.Pages.Select(p => p.Page));
        Assert.Equal(EndpointPhase.Complete, (await Ledger.MarkManifestLoadedAsync(Key(), 0, 11, watermarkAdvanced: false, Ct)).Phase);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_failed_verification_ends_the_endpoint_partial_and_pages_without_ids_need_none()
    {
        await OpenAsync(new EndpointOpening(Tenant, Endpoint, null, false), new EndpointOpening(Tenant, "Journals", 0, false));
        await IdsDoneAsync(Endpoint, 1, ["a", "a"], itemCount: null, isLast: true, lastPage: 1);
        var tally = await Ledger.TallyIdsAsync(Key(), Ct);
        Assert.Equal((2, 1, (int?)null), (tally.PassRecords, tally.PassDistinctIds, tally.PassItemCount));
        Assert.False(tally.AccountsForAll);
        await Ledger.RecordVerificationAsync(Key(), 0, VerificationOutcome.Failed, tally.Shortfall, Ct);
        var state = await Ledger.GetEndpointAsync(Key(), Ct);
        Assert.True(state.NeedsManifest);
        Assert.True(state.HasGaps);
        Assert.Equal(tally.Shortfall, state.VerificationNote);
        await Ledger.ClaimManifestAsync(Key(), Ct);
        var loaded = await Ledger.MarkManifestLoadedAsync(Key(), 0, 2, watermarkAdvanced: false, Ct);
        Assert.Equal(EndpointPhase.Partial, loaded.Phase);
        Assert.False(loaded.MayAdvanceWatermark);

        await DoneAsync("Journals", 1, 40, nextOffset: 40, isLast: true, lastPage: 1);
        var journals = await Ledger.GetEndpointAsync(Key("Journals"), Ct);
        Assert.Equal((false, false), (journals.VerificationRequired, journals.AwaitsVerification));
        Assert.Equal([1], (await Ledger.ClaimManifestAsync(Key("Journals"), Ct))!.Pages.Select(p => p.Page));
        Assert.Equal(new IdTally(0, 1, 0, 0, 0, null), await Ledger.TallyIdsAsync(Key("Journals"), Ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_one_page_endpoint_claims_its_manifest_with_its_page_and_the_writer_is_handed_that_claim_until_it_is_loaded()
    {
        // A single call (Organisation: one page) and a paged endpoint whose page 1 tells of a second page.
        await OpenAsync(new EndpointOpening(Tenant, "Organisation", null, true), new EndpointOpening(Tenant, Endpoint, null, false));
        Assert.Equal(PageClaimKind.Claimed, (await Ledger.ClaimPageAsync(Key("Organisation"), 1, null, "a", Lease, Ct)).Kind);
        var done = await DoneAsync("Organisation", 1, 1, isLast: true, lastPage: 1);
        Assert.Equal(0, done.ManifestSequence);

        var state = await Ledger.GetEndpointAsync(Key("Organisation"), Ct);
        Assert.Equal((1, 0, false), (state.ManifestsClaimed, state.Unlisted, state.NeedsManifest));
        Assert.Equal(EndpointStep.AwaitLoads, EndpointSteps.Next(state));

        // The claim is handed out, the same each time, until its load is recorded; then there is nothing to claim.
        foreach (var _ in new[] { 1, 2 })
        {
            var claim = await Ledger.ClaimManifestAsync(Key("Organisation"), Ct);
            Assert.NotNull(claim);
            Assert.Equal((0, 1), (claim.Sequence, claim.Pages.Sum(p => p.Records)));
            Assert.Equal(["Organisation-1"], claim.Pages.Select(p => p.ObjectName));
        }

        var loaded = await Ledger.MarkManifestLoadedAsync(Key("Organisation"), 0, 1, watermarkAdvanced: false, Ct);
        Assert.Null(await Ledger.ClaimManifestAsync(Key("Organisation"), Ct));
        Assert.Equal(EndpointPhase.Complete, loaded.Phase);

        // Page 1 of two settles nothing: no manifest until both are read.
        await DoneAsync(Endpoint, 1, 100, isLast: false, lastPage: 2);
        Assert.Equal((0, true), ((await Ledger.GetEndpointAsync(Key(), Ct)).ManifestsClaimed, (await Ledger.GetEndpointAsync(Key(), Ct)).Unlisted == 1));
        await Ledger.OpenPagesAsync(Key(), [new PendingPage(2)], Ct);
        await DoneAsync(Endpoint, 2, 5, isLast: true);
        Assert.True((await Ledger.GetEndpointAsync(Key(), Ct)).NeedsManifest);
    }

    private Task<PageRecord> IdsDoneAsync(string endpoint, int page, string[] ids, int? itemCount, bool isLast = false, int? lastPage = null, bool reread = false) =>
        Ledger.RecordPageDoneAsync(new PageDone(Key(endpoint), page, ids.Length, $"{endpoint}-{page}", null, null, isLast, lastPage) { RecordIds = ids, ItemCount = itemCount, Calls = reread ? 1 : 0, Reread = reread }, Ct);

    private async Task OpenAsync(params EndpointOpening[] openings) =>
        await Ledger.CreateRunAsync(new RunInfo(Run, Time.GetUtcNow(), [Tenant], [.. openings.Select(o => o.Endpoint).Distinct()], false), openings, Ct);

    private Task<PageRecord> DoneAsync(string endpoint, int page, int records, string? objectName = null, long? offset = null, long? nextOffset = null, bool isLast = false, int? lastPage = null) =>
        Ledger.RecordPageDoneAsync(new PageDone(Key(endpoint), page, records, objectName ?? $"{endpoint}-{page}", offset, nextOffset, isLast, lastPage), Ct);
}
