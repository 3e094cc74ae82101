using Microsoft.Extensions.Time.Testing;
using XeroSync.Ledger;

namespace XeroSync.Tests.Ledger;

/// <summary>
/// The IRunLedger contract, run against every adapter (SQLite locally, Firestore on the emulator):
/// both must behave the same, because the pipeline cannot tell them apart.
/// </summary>
public abstract class RunLedgerContractTests
{
    protected const string Run = "run-1";
    protected const string Tenant = "tenant-1";
    protected const string Endpoint = "Invoices";

    private IRunLedger? _ledger;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

    /// <summary>The ledger under test (created on first use, after the derived class is constructed).</summary>
    protected IRunLedger Ledger => _ledger ??= NewLedger();

    /// <summary>Rounds and claimers of the concurrent manifest-claim test (the emulator is slower).</summary>
    protected virtual int ClaimRounds => 5;

    protected virtual int ClaimersPerRound => 16;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A further instance over the same store, as a second process would have.</summary>
    protected abstract IRunLedger NewLedger();

    [Fact]
    public async Task Runs_are_created_once_and_listed_newest_first()
    {
        var older = new RunInfo("r-old", new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.FromHours(13)), ["t1", "t2"], ["Invoices", "Contacts"], false);
        var newer = new RunInfo("r-new", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), ["t1"], ["Journals"], true);
        await Ledger.CreateRunAsync(older, Ct);
        await Ledger.CreateRunAsync(newer, Ct);
        await Ledger.CreateRunAsync(older with { Full = true, Tenants = ["other"] }, Ct);

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

    [Fact]
    public async Task Mark_pending_keeps_done_and_reopens_failed_deferred_and_not_entitled()
    {
        await Ledger.MarkPendingAsync(Run, Tenant, Endpoint, 1, 5, new Dictionary<int, long> { [1] = 0, [2] = 100 }, Ct);
        await Ledger.RecordPageAsync(Page(1, PageStatus.Done, 100), Ct);
        await Ledger.RecordPageAsync(Page(2, PageStatus.Failed, error: "boom"), Ct);
        await Ledger.RecordPageAsync(Page(3, PageStatus.Deferred), Ct);
        await Ledger.RecordPageAsync(Page(4, PageStatus.NotEntitled), Ct);

        await Ledger.MarkPendingAsync(Run, Tenant, Endpoint, 1, 5, null, Ct);

        var pages = await Ledger.GetPagesAsync(Run, Tenant, Endpoint, Ct);
        Assert.Equal([PageStatus.Done, PageStatus.Pending, PageStatus.Pending, PageStatus.Pending, PageStatus.Pending], pages.Select(p => p.Status));
        Assert.Equal(0, pages[0].Offset);
        Assert.Equal(100, pages[1].Offset);
        Assert.Null(pages[1].Error);
        Assert.Equal(100, pages[0].Records);
    }

    [Fact]
    public async Task Done_is_final()
    {
        await Ledger.MarkPendingAsync(Run, Tenant, Endpoint, 1, 1, null, Ct);
        await Ledger.RecordPageAsync(Page(1, PageStatus.Done, 7, objectName: "obj-1"), Ct);
        await Ledger.RecordPageAsync(Page(1, PageStatus.Failed, error: "late failure"), Ct);
        await Ledger.RecordPageAsync(Page(1, PageStatus.Deferred), Ct);

        var page = Assert.Single(await Ledger.GetPagesAsync(Run, Tenant, Endpoint, Ct));
        Assert.Equal(PageStatus.Done, page.Status);
        Assert.Equal(7, page.Records);
        Assert.Equal("obj-1", page.ObjectName);
        Assert.Null(page.Error);
    }

    [Fact]
    public async Task Last_page_keeps_the_minimum_and_drops_pending_pages_past_it()
    {
        await Ledger.MarkPendingAsync(Run, Tenant, Endpoint, 1, 10, null, Ct);
        await Ledger.RecordPageAsync(Page(8, PageStatus.Failed), Ct);
        await Ledger.SetLastPageAsync(Run, Tenant, Endpoint, 6, Ct);
        await Ledger.SetLastPageAsync(Run, Tenant, Endpoint, 10, Ct);

        var progress = await Ledger.GetProgressAsync(Run, Tenant, Endpoint, Ct);
        Assert.Equal(6, progress.LastPage);
        Assert.Equal(6, progress.Pending);
        Assert.Equal(1, progress.Failed);
        var pages = await Ledger.GetPagesAsync(Run, Tenant, Endpoint, Ct);
        Assert.Equal([1, 2, 3, 4, 5, 6, 8], pages.Select(p => p.Page));

        // A late republish of the original range does not resurrect pages past the last page.
        await Ledger.MarkPendingAsync(Run, Tenant, Endpoint, 2, 10, null, Ct);
        Assert.Equal(6, (await Ledger.GetProgressAsync(Run, Tenant, Endpoint, Ct)).Pending);
    }

    [Fact]
    public async Task Progress_counts_statuses_records_calls_and_manifests()
    {
        var empty = await Ledger.GetProgressAsync(Run, Tenant, Endpoint, Ct);
        Assert.Null(empty.LastPage);
        Assert.False(empty.IsComplete);

        await Ledger.MarkPendingAsync(Run, Tenant, Endpoint, 1, 5, null, Ct);
        await Ledger.RecordPageAsync(Page(1, PageStatus.Done, 1000), Ct);
        await Ledger.RecordPageAsync(Page(2, PageStatus.Done, 250), Ct);
        await Ledger.RecordPageAsync(Page(3, PageStatus.Failed, 99), Ct);
        await Ledger.RecordPageAsync(Page(4, PageStatus.Deferred), Ct);
        await Ledger.CountCallsAsync(Run, Tenant, Endpoint, 3, 1, Ct);
        await Ledger.CountCallsAsync(Run, Tenant, Endpoint, 2, 0, Ct);

        var progress = await Ledger.GetProgressAsync(Run, Tenant, Endpoint, Ct);
        Assert.Equal(new EndpointProgress(Run, Tenant, Endpoint, null, 2, 1, 1, 0, 1, 1250, 5, 1, 0, 0), progress);
        Assert.False(progress.IsComplete);

        await Ledger.SetLastPageAsync(Run, Tenant, Endpoint, 4, Ct);
        Assert.True((await Ledger.GetProgressAsync(Run, Tenant, Endpoint, Ct)).IsComplete);

        await Ledger.CountCallsAsync(Run, Tenant, "Contacts", 1, 0, Ct);
        var run = await Ledger.GetRunProgressAsync(Run, Ct);
        Assert.Equal(["Contacts", "Invoices"], run.Select(p => p.Endpoint));
    }

    [Fact]
    public async Task Manifest_claims_follow_the_first_run_and_a_retry()
    {
        await Ledger.MarkPendingAsync(Run, Tenant, Endpoint, 1, 3, null, Ct);
        await Ledger.SetLastPageAsync(Run, Tenant, Endpoint, 3, Ct);
        await Ledger.RecordPageAsync(Page(1, PageStatus.Done, 10), Ct);
        await Ledger.RecordPageAsync(Page(2, PageStatus.Failed), Ct);
        Assert.Null(await Ledger.TryClaimManifestAsync(Run, Tenant, Endpoint, Ct));

        await Ledger.RecordPageAsync(Page(3, PageStatus.Done, 5), Ct);
        var first = await Ledger.TryClaimManifestAsync(Run, Tenant, Endpoint, Ct);
        Assert.NotNull(first);
        Assert.Equal(0, first.Sequence);
        Assert.Equal([(1, PageStatus.Done, (int?)0), (2, PageStatus.Failed, null), (3, PageStatus.Done, 0)], first.Pages.Select(p => (p.Page, p.Status, p.ManifestSequence)));
        Assert.Null(await Ledger.TryClaimManifestAsync(Run, Tenant, Endpoint, Ct));

        // Retry: the failed page is republished and completes.
        await Ledger.MarkPendingAsync(Run, Tenant, Endpoint, 2, 2, null, Ct);
        Assert.Null(await Ledger.TryClaimManifestAsync(Run, Tenant, Endpoint, Ct));
        await Ledger.RecordPageAsync(Page(2, PageStatus.Done, 3), Ct);
        var second = await Ledger.TryClaimManifestAsync(Run, Tenant, Endpoint, Ct);
        Assert.NotNull(second);
        Assert.Equal(1, second.Sequence);
        Assert.Equal([(2, PageStatus.Done, (int?)1)], second.Pages.Select(p => (p.Page, p.Status, p.ManifestSequence)));

        await Ledger.MarkManifestLoadedAsync(Run, Tenant, Endpoint, 0, 15, Ct);
        await Ledger.MarkManifestLoadedAsync(Run, Tenant, Endpoint, 0, 15, Ct);
        var progress = await Ledger.GetProgressAsync(Run, Tenant, Endpoint, Ct);
        Assert.Equal(2, progress.ManifestsWritten);
        Assert.Equal(1, progress.ManifestsLoaded);
        Assert.Equal(18, progress.Records);
    }

    [Fact]
    public async Task An_endpoint_with_only_failed_or_no_pages_still_gets_manifest_zero()
    {
        await Ledger.MarkPendingAsync(Run, Tenant, "Journals", 1, 1, null, Ct);
        await Ledger.SetLastPageAsync(Run, Tenant, "Journals", 1, Ct);
        await Ledger.RecordPageAsync(Page(1, PageStatus.NotEntitled) with { Endpoint = "Journals" }, Ct);
        var claim = await Ledger.TryClaimManifestAsync(Run, Tenant, "Journals", Ct);
        Assert.NotNull(claim);
        Assert.Equal(0, claim.Sequence);
        Assert.Equal(PageStatus.NotEntitled, Assert.Single(claim.Pages).Status);
        Assert.Null(await Ledger.TryClaimManifestAsync(Run, Tenant, "Journals", Ct));

        await Ledger.SetLastPageAsync(Run, Tenant, "Quotes", 0, Ct);
        var empty = await Ledger.TryClaimManifestAsync(Run, Tenant, "Quotes", Ct);
        Assert.NotNull(empty);
        Assert.Equal(0, empty.Sequence);
        Assert.Empty(empty.Pages);
        Assert.Null(await Ledger.TryClaimManifestAsync(Run, Tenant, "Quotes", Ct));
    }

    [Fact]
    public async Task Exactly_one_concurrent_claimer_wins_across_twoLedger_instances()
    {
        for (var round = 0; round < ClaimRounds; round++)
        {
            var endpoint = $"Endpoint{round}";
            await Ledger.MarkPendingAsync(Run, Tenant, endpoint, 1, 20, null, Ct);
            await Ledger.SetLastPageAsync(Run, Tenant, endpoint, 20, Ct);
            for (var p = 1; p <= 20; p++)
            {
                await Ledger.RecordPageAsync(Page(p, PageStatus.Done, 10) with { Endpoint = endpoint }, Ct);
            }

            // As a second process would: its own instance (database object and pool, or client) on the same store.
            var other = NewLedger();
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var claimers = Enumerable.Range(0, ClaimersPerRound).Select(i => Task.Run(
                async () =>
                {
                    await start.Task;
                    return await (i % 2 == 0 ? Ledger : other).TryClaimManifestAsync(Run, Tenant, endpoint, Ct);
                },
                Ct)).ToArray();
            start.SetResult();
            var claims = await Task.WhenAll(claimers);

            var winner = Assert.Single(claims, c => c is not null);
            Assert.Equal(0, winner!.Sequence);
            Assert.Equal(20, winner.Pages.Count);
            Assert.Equal(1, (await other.GetProgressAsync(Run, Tenant, endpoint, Ct)).ManifestsWritten);
        }
    }

    [Fact]
    public async Task Concurrent_page_writes_from_many_threads_all_land()
    {
        await Ledger.MarkPendingAsync(Run, Tenant, Endpoint, 1, 200, null, Ct);
        await Parallel.ForEachAsync(Enumerable.Range(1, 200), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (p, ct) =>
        {
            await Ledger.RecordPageAsync(Page(p, PageStatus.Done, 1), ct);
            await Ledger.CountCallsAsync(Run, Tenant, Endpoint, 1, 0, ct);
        });

        var progress = await Ledger.GetProgressAsync(Run, Tenant, Endpoint, Ct);
        Assert.Equal(200, progress.Done);
        Assert.Equal(200, progress.Calls);
        Assert.Equal(200, progress.Records);
    }

    [Fact]
    public async Task Done_survives_racing_failed_writes_from_two_instances()
    {
        var other = NewLedger();
        await Ledger.MarkPendingAsync(Run, Tenant, Endpoint, 1, 10, null, Ct);
        await Task.WhenAll(Enumerable.Range(1, 10).SelectMany(p => new[]
        {
            Task.Run(() => Ledger.RecordPageAsync(Page(p, PageStatus.Done, 5), Ct), Ct),
            Task.Run(() => other.RecordPageAsync(Page(p, PageStatus.Failed, error: "late"), Ct), Ct),
            Task.Run(() => other.RecordPageAsync(Page(p, PageStatus.Deferred), Ct), Ct),
        }));

        var pages = await Ledger.GetPagesAsync(Run, Tenant, Endpoint, Ct);
        Assert.All(pages, p => Assert.Equal(PageStatus.Done, p.Status));
        Assert.Equal(50, (await other.GetProgressAsync(Run, Tenant, Endpoint, Ct)).Records);
    }

    [Fact]
    public async Task Identifiers_with_slashes_and_tildes_stay_distinct()
    {
        await Ledger.RecordPageAsync(new PageRecord(Run, "a/b", "c~d", 1, PageStatus.Done, 1), Ct);
        await Ledger.RecordPageAsync(new PageRecord(Run, "a", "b/c~d", 1, PageStatus.Done, 2), Ct);
        Assert.Equal(1, (await Ledger.GetProgressAsync(Run, "a/b", "c~d", Ct)).Records);
        Assert.Equal(2, (await Ledger.GetProgressAsync(Run, "a", "b/c~d", Ct)).Records);
        Assert.Equal(2, (await Ledger.GetRunProgressAsync(Run, Ct)).Count);
    }

    protected static PageRecord Page(int page, PageStatus status, int records = 0, string? objectName = null, string? error = null) =>
        new(Run, Tenant, Endpoint, page, status, records, objectName, Error: error);
}
