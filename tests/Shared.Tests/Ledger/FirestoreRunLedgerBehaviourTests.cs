using Microsoft.Extensions.Time.Testing;
using XeroSync.Ledger;
using XeroSync.Ledger.Firestore;
using XeroSync.Tests.Google;

namespace XeroSync.Tests.Ledger;

/// <summary>
/// The Firestore ledger on the emulator, against the behaviour of the SQLite ledger (the reference adapter) as the
/// IRunLedger doc comments state it. Expected values come from the calls the tests make, never from the ledger.
/// </summary>
public sealed class FirestoreRunLedgerBehaviourTests
{
    // The run id is a parent in query URLs, where FirestoreClient does not escape an encoded id's '%'; tenants may be odd.
    private const string Run = "run-1";
    private const string Tenant = "tenant~1";
    private const string Endpoint = "Invoices";
    private static readonly EndpointKey Key = new(Run, Tenant, Endpoint);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private readonly GoogleEmulators _emulators;
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N") + "_";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

    public FirestoreRunLedgerBehaviourTests(GoogleEmulators emulators)
    {
        _emulators = emulators;
        emulators.Require();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task Create_run_opens_each_endpoint_with_page_one_once()
    {
        var ledger = NewLedger();
        var run = new RunInfo(Run, new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.FromHours(13)), [Tenant, "t2"], [Endpoint, "Journals", "Organisation"], false);
        EndpointOpening[] openings = [new(Tenant, Endpoint, null, false), new(Tenant, "Journals", 0, false), new("t2", "Organisation", null, true)];
        await ledger.CreateRunAsync(run, openings, Ct);
        await ledger.CreateRunAsync(run with { Full = true }, openings, Ct);

        var stored = await NewLedger().GetRunAsync(Run, Ct);
        Assert.NotNull(stored);
        Assert.Equal(run.StartedAt, stored.StartedAt);
        Assert.False(stored.Full);
        Assert.Equal([Tenant, "t2"], stored.Tenants);
        Assert.Equal([Run], (await ledger.ListRunsAsync(10, Ct)).Select(r => r.RunId));

        var states = await ledger.GetRunEndpointsAsync(Run, Ct);
        Assert.Equal([("t2", "Organisation", (int?)1), (Tenant, Endpoint, null), (Tenant, "Journals", null)], states.Select(s => (s.TenantId, s.Endpoint, s.LastPage)));
        Assert.All(states, s => Assert.Equal((1, 1, EndpointPhase.Running), (s.Pending, s.Pages, s.Phase)));
        var journalsPage = Assert.Single(await ledger.GetAllPagesAsync(new EndpointKey(Run, Tenant, "Journals"), Ct));
        Assert.Equal((1, PageStatus.Pending, (long?)0), (journalsPage.Page, journalsPage.Status, journalsPage.Offset));
        Assert.Null(await ledger.GetRunAsync("missing", Ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_lease_is_held_until_it_expires_renewed_only_by_its_owner_and_released()
    {
        var ledger = NewLedger();
        await Open(ledger);

        var first = await ledger.ClaimPageAsync(Key, 1, null, "a", Lease, Ct);
        Assert.Equal(PageClaimKind.Claimed, first.Kind);
        Assert.Equal(("a", _time.GetUtcNow() + Lease), (first.Page!.LeaseOwner, first.Page.LeaseExpiresAt));

        var held = await NewLedger().ClaimPageAsync(Key, 1, null, "b", Lease, Ct);
        Assert.Equal((PageClaimKind.HeldElsewhere, _time.GetUtcNow() + Lease), (held.Kind, held.HeldUntil));
        Assert.False(await ledger.RenewPageAsync(Key, 1, "b", Lease, Ct));

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await ledger.RenewPageAsync(Key, 1, "a", Lease, Ct));
        _time.Advance(TimeSpan.FromMinutes(1.5));
        Assert.Equal(PageClaimKind.HeldElsewhere, (await ledger.ClaimPageAsync(Key, 1, null, "b", Lease, Ct)).Kind);

        await ledger.ReleasePageAsync(Key, 1, "b", Ct);
        Assert.Equal("a", (await ledger.GetPagesAsync(Key, 1, 1, Ct))[0].LeaseOwner);
        await ledger.ReleasePageAsync(Key, 1, "a", Ct);
        var released = (await ledger.GetPagesAsync(Key, 1, 1, Ct))[0];
        Assert.Equal((null, null, PageStatus.Pending), (released.LeaseOwner, released.LeaseExpiresAt, released.Status));

        Assert.Equal(PageClaimKind.Claimed, (await ledger.ClaimPageAsync(Key, 1, null, "b", Lease, Ct)).Kind);
        _time.Advance(Lease + TimeSpan.FromSeconds(1));
        var taken = await ledger.ClaimPageAsync(Key, 1, null, "c", Lease, Ct);
        Assert.Equal(("c", PageClaimKind.Claimed), (taken.Page!.LeaseOwner, taken.Kind));
        Assert.Equal(1, (await ledger.GetEndpointAsync(Key, Ct)).Pending);
    }

    [Fact(Timeout = 60_000)]
    public async Task Done_is_final_the_first_record_wins_and_the_first_last_page_stands()
    {
        var ledger = NewLedger();
        await Open(ledger);
        await ledger.ClaimPageAsync(Key, 1, 500, "a", Lease, Ct);

        var done = await ledger.RecordPageDoneAsync(new PageDone(Key, 1, 100, "obj-1", 700, 800, false, 3), Ct);
        Assert.Equal((PageStatus.Done, 100, "obj-1", (long?)500, (long?)800, (string?)null), (done.Status, done.Records, done.ObjectName, done.Offset, done.NextOffset, done.LeaseOwner));
        var again = await NewLedger().RecordPageDoneAsync(new PageDone(Key, 1, 5, "obj-other", null, 900, true, 9), Ct);
        Assert.Equal(done, again);

        await ledger.RecordPageEndedAsync(Key, 1, null, PageStatus.Failed, "late", Ct);
        await ledger.ReopenPagesAsync(Key, [new PendingPage(1)], Ct);
        var claim = await ledger.ClaimPageAsync(Key, 1, null, "b", Lease, Ct);
        Assert.Equal((PageClaimKind.AlreadyDone, done), (claim.Kind, claim.Page));

        var state = await ledger.GetEndpointAsync(Key, Ct);
        Assert.Equal((3, 0, 1, 100L, 1, (long?)800), (state.LastPage, state.Pending, state.Done, state.Records, state.Unlisted, state.MaxNextOffset));

        // Past the known last page there is nothing to claim; the last page itself is claimed (created pending).
        Assert.Equal(new PageClaim(PageClaimKind.BeyondEnd, null), await ledger.ClaimPageAsync(Key, 4, null, "a", Lease, Ct));
        Assert.Equal(PageClaimKind.Claimed, (await ledger.ClaimPageAsync(Key, 3, null, "a", Lease, Ct)).Kind);
    }

    [Fact(Timeout = 60_000)]
    public async Task Ended_pages_are_counted_reopened_and_claimed_back_to_pending()
    {
        var ledger = NewLedger();
        await Open(ledger);
        await ledger.OpenPagesAsync(Key, [new PendingPage(2, 200), new PendingPage(3), new PendingPage(1, 999)], Ct);
        await ledger.OpenPagesAsync(Key, [new PendingPage(2, 222)], Ct);
        await ledger.RecordPageDoneAsync(new PageDone(Key, 1, 10, "o1", null, null, false, null), Ct);
        await ledger.RecordPageEndedAsync(Key, 2, null, PageStatus.Failed, "boom", Ct);
        await ledger.RecordPageEndedAsync(Key, 3, null, PageStatus.Deferred, "day limit", Ct);
        await ledger.RecordPageEndedAsync(Key, 4, 400, PageStatus.NotEntitled, "tier", Ct);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ledger.RecordPageEndedAsync(Key, 5, null, PageStatus.Done, "no", Ct));

        var state = await ledger.GetEndpointAsync(Key, Ct);
        Assert.Equal((0, 1, 1, 1, 1, true, EndpointPhase.Loading), (state.Pending, state.Done, state.Failed, state.Deferred, state.NotEntitled, state.NeedsManifest, state.Phase));
        var pages = await ledger.GetAllPagesAsync(Key, Ct);
        Assert.Equal([1, 2, 3, 4], pages.Select(p => p.Page));
        Assert.Equal(((long?)200, "boom"), (pages[1].Offset, pages[1].Error));
        Assert.Equal((long?)400, pages[3].Offset);

        var claim = await ledger.ClaimPageAsync(Key, 2, null, "a", Lease, Ct);
        Assert.Equal((PageClaimKind.Claimed, PageStatus.Pending, (string?)null), (claim.Kind, claim.Page!.Status, claim.Page.Error));
        await ledger.ReopenPagesAsync(Key, [new PendingPage(1), new PendingPage(3), new PendingPage(4), new PendingPage(6, 600)], Ct);
        state = await ledger.GetEndpointAsync(Key, Ct);
        Assert.Equal((4, 1, 0, 0, 0, 5), (state.Pending, state.Done, state.Failed, state.Deferred, state.NotEntitled, state.Pages));
        Assert.Equal("a", (await ledger.GetPagesAsync(Key, 2, 2, Ct))[0].LeaseOwner);
        Assert.Equal([(3, PageStatus.Pending), (4, PageStatus.Pending), (6, PageStatus.Pending)], (await ledger.GetPagesAsync(Key, 3, 7, Ct)).Select(p => (p.Page, p.Status)));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_settled_endpoint_gets_one_manifest_moving_forward_only_and_a_retry_gets_the_next()
    {
        var ledger = NewLedger();
        await Open(ledger);
        await ledger.OpenPagesAsync(Key, [new PendingPage(2), new PendingPage(3)], Ct);
        await ledger.RecordPageDoneAsync(new PageDone(Key, 1, 100, "o1", null, null, false, 3), Ct);
        Assert.Null(await ledger.ClaimManifestAsync(Key, Ct));
        await ledger.RecordPageDoneAsync(new PageDone(Key, 3, 30, "o3", null, null, true, null), Ct);
        await ledger.RecordPageEndedAsync(Key, 2, null, PageStatus.Failed, "boom", Ct);

        var claim = await ledger.ClaimManifestAsync(Key, Ct);
        Assert.NotNull(claim);
        Assert.Equal((0, _time.GetUtcNow()), (claim.Sequence, claim.ClaimedAt));
        Assert.Equal([(1, 100, (int?)0), (3, 30, 0)], claim.Pages.Select(p => (p.Page, p.Records, p.ManifestSequence)));
        Assert.Equal([2], claim.FailedPages);
        Assert.Empty(claim.DeferredPages);

        // Its writer crashed: the same claim is handed out again, with the same time.
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equivalent(claim, await NewLedger().ClaimManifestAsync(Key, Ct), strict: true);
        Assert.Equal([(int?)0, null, 0], (await ledger.GetAllPagesAsync(Key, Ct)).Select(p => p.ManifestSequence));
        Assert.Equal((int?)0, (await ledger.ClaimPageAsync(Key, 3, null, "a", Lease, Ct)).Page!.ManifestSequence);

        var loaded = await ledger.MarkManifestLoadedAsync(Key, 0, 130, watermarkAdvanced: false, Ct);
        Assert.Null(await ledger.ClaimManifestAsync(Key, Ct));
        Assert.Equal((1, 1, 0, EndpointPhase.Partial), (loaded.ManifestsClaimed, loaded.ManifestsLoaded, loaded.Unlisted, loaded.Phase));
        await ledger.MarkManifestLoadedAsync(Key, 0, 999, watermarkAdvanced: false, Ct);
        await ledger.MarkManifestFailedAsync(Key, 0, "late", Ct);
        await ledger.MarkManifestLoadedAsync(Key, 7, 1, watermarkAdvanced: false, Ct);
        Assert.Equal([new ManifestRecord(0, ManifestState.Loaded, claim.ClaimedAt, 130, 130)], await ledger.GetManifestsAsync(Key, Ct));
        Assert.Equal(loaded, await ledger.GetEndpointAsync(Key, Ct));

        // A retry reads the failed page: the next manifest lists just it; its load fails straight from claimed.
        await ledger.ReopenPagesAsync(Key, [new PendingPage(2)], Ct);
        Assert.Null(await ledger.ClaimManifestAsync(Key, Ct));
        await ledger.RecordPageDoneAsync(new PageDone(Key, 2, 20, "o2", null, null, false, null), Ct);
        var next = await ledger.ClaimManifestAsync(Key, Ct);
        Assert.NotNull(next);
        Assert.Equal(1, next.Sequence);
        Assert.Equal([(2, (int?)1)], next.Pages.Select(p => (p.Page, p.ManifestSequence)));
        Assert.Empty(next.FailedPages);
        await ledger.MarkManifestFailedAsync(Key, 1, "row mismatch", Ct);
        var state = await ledger.GetEndpointAsync(Key, Ct);
        Assert.Equal((2, 1, 1, 150L, EndpointPhase.Partial, false), (state.ManifestsClaimed, state.ManifestsLoaded, state.ManifestsFailed, state.Records, state.Phase, state.MayAdvanceWatermark));
        Assert.Equal(new ManifestRecord(1, ManifestState.Failed, _time.GetUtcNow(), 20, null, "row mismatch"), (await ledger.GetManifestsAsync(Key, Ct))[1]);
        Assert.Null(await ledger.ClaimManifestAsync(Key, Ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_complete_endpoint_may_advance_its_watermark_once_and_a_skipped_one_gets_an_empty_manifest()
    {
        var ledger = NewLedger();
        var skipped = Key with { Endpoint = "Journals" };
        await ledger.CreateRunAsync(new RunInfo(Run, _time.GetUtcNow(), [Tenant], [Endpoint, "Journals"], false), [new(Tenant, Endpoint, null, true), new(Tenant, "Journals", 0, false)], Ct);
        await ledger.RecordPageDoneAsync(new PageDone(Key, 1, 4, "o1", null, null, true, null) { Calls = 3, Throttles = 2 }, Ct);
        await ledger.RecordPageEndedAsync(skipped, 1, 0, PageStatus.NotEntitled, "tier", Ct);

        // A second delivery of the done page: its record loses, its call was still made and counts.
        await ledger.RecordPageDoneAsync(new PageDone(Key, 1, 4, "o1", null, null, true, null) { Calls = 1 }, Ct);

        var manifest = await ledger.ClaimManifestAsync(Key, Ct);
        Assert.Equal([1], manifest!.Pages.Select(p => p.Page));
        var state = await ledger.MarkManifestLoadedAsync(Key, 0, 4, watermarkAdvanced: false, Ct);
        Assert.Equal((EndpointPhase.Complete, true, 4, 2), (state.Phase, state.MayAdvanceWatermark, state.Calls, state.Throttles));
        await ledger.MarkWatermarkAdvancedAsync(Key, Ct);
        await ledger.MarkWatermarkAdvancedAsync(Key, Ct);
        state = await ledger.GetEndpointAsync(Key, Ct);
        Assert.Equal((true, false, EndpointPhase.Complete), (state.WatermarkAdvanced, state.MayAdvanceWatermark, state.Phase));

        var empty = await ledger.ClaimManifestAsync(skipped, Ct);
        Assert.Equal((0, 0), (empty!.Sequence, empty.Pages.Count));
        var skippedState = await ledger.MarkManifestLoadedAsync(skipped, 0, 0, watermarkAdvanced: false, Ct);
        Assert.Equal((EndpointPhase.Skipped, false), (skippedState.Phase, skippedState.MayAdvanceWatermark));

        var unknown = new EndpointKey(Run, "nobody", Endpoint);
        await ledger.MarkWatermarkAdvancedAsync(unknown, Ct);
        Assert.Equal(new EndpointState(Run, "nobody", Endpoint, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, false, 0, 0), await ledger.GetEndpointAsync(unknown, Ct));
        Assert.Equal(2, (await ledger.GetRunEndpointsAsync(Run, Ct)).Count);
        Assert.Equal(RunPhase.Complete, (await ledger.GetRunStateAsync(Run, Ct))!.Phase);
    }

    [Fact(Timeout = 120_000)]
    public async Task Concurrent_page_writes_keep_exact_counts_and_one_concurrent_claimer_assigns_the_pages()
    {
        const int pages = 24;
        await Open(NewLedger());
        var ledgers = Enumerable.Range(0, 6).Select(_ => NewLedger()).ToArray();

        // Every page is opened, claimed and recorded twice, by different instances at once (at-least-once delivery).
        await Task.WhenAll(Enumerable.Range(1, pages).Select(async page =>
        {
            var ledger = ledgers[page % ledgers.Length];
            await ledger.OpenPagesAsync(Key, [new PendingPage(page)], Ct);
            await ledger.ClaimPageAsync(Key, page, null, $"owner-{page}", Lease, Ct);
            await Task.WhenAll(
                ledger.RecordPageDoneAsync(new PageDone(Key, page, page, $"o{page}", null, page * 10, page == pages, page == pages ? pages : null), Ct),
                ledgers[(page + 1) % ledgers.Length].RecordPageDoneAsync(new PageDone(Key, page, page, $"o{page}", null, page * 10, page == pages, page == pages ? pages : null), Ct));
        }));
        var state = await NewLedger().GetEndpointAsync(Key, Ct);
        Assert.Equal((0, pages, pages, (long)(pages * (pages + 1) / 2), (int?)pages, (long?)(pages * 10)), (state.Pending, state.Done, state.Unlisted, state.Records, state.LastPage, state.MaxNextOffset));

        var claims = await Task.WhenAll(ledgers.Select(l => l.ClaimManifestAsync(Key, Ct)));
        Assert.All(claims, c => Assert.Equal((0, pages), (c!.Sequence, c.Pages.Count)));
        Assert.Single(await NewLedger().GetManifestsAsync(Key, Ct));
        state = await NewLedger().GetEndpointAsync(Key, Ct);
        Assert.Equal((1, 0), (state.ManifestsClaimed, state.Unlisted));
    }

    [Fact(Timeout = 60_000)]
    public async Task Of_many_concurrent_claimers_of_a_page_exactly_one_holds_it()
    {
        await Open(NewLedger());
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => NewLedger().ClaimPageAsync(Key, 2, 100, $"owner-{i}", Lease, Ct)));

        var winner = Assert.Single(claims, c => c.Kind == PageClaimKind.Claimed);
        Assert.All(claims.Where(c => c != winner), c => Assert.Equal((PageClaimKind.HeldElsewhere, _time.GetUtcNow() + Lease, winner.Page!.LeaseOwner), (c.Kind, c.HeldUntil, c.Page!.LeaseOwner)));
        var state = await NewLedger().GetEndpointAsync(Key, Ct);
        Assert.Equal((2, 2), (state.Pending, state.Pages));
    }

    private async Task Open(IRunLedger ledger) =>
        await ledger.CreateRunAsync(new RunInfo(Run, _time.GetUtcNow(), [Tenant], [Endpoint], false), [new(Tenant, Endpoint, null, false)], Ct);

    private FirestoreRunLedger NewLedger() => new(GoogleTestClients.Firestore(_emulators.FirestoreHost!), _time, _prefix);
}
