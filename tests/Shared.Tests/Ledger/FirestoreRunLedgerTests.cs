using Microsoft.Extensions.Time.Testing;
using XeroSync.Ledger;
using XeroSync.Ledger.Firestore;
using XeroSync.Tests.Google;

namespace XeroSync.Tests.Ledger;

public sealed class FirestoreRunLedgerTests
{
    private const string Run = "run-1";
    private const string Tenant = "tenant-1";
    private const string Endpoint = "Invoices";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly GoogleEmulators _emulators;
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N") + "_";
    private readonly FirestoreRunLedger _ledger;

    public FirestoreRunLedgerTests(GoogleEmulators emulators)
    {
        _emulators = emulators;
        emulators.Require();
        _ledger = NewLedger();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private FirestoreRunLedger NewLedger() => new(GoogleTestClients.Firestore(_emulators.FirestoreHost!), _time, _prefix);

    [Fact]
    public async Task Runs_are_created_once_and_listed_newest_first()
    {
        var older = new RunInfo("r-old", new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.FromHours(13)), ["t1", "t2"], ["Invoices", "Contacts"], false);
        var newer = new RunInfo("r-new", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), ["t1"], ["Journals"], true);
        await _ledger.CreateRunAsync(older, Ct);
        await _ledger.CreateRunAsync(newer, Ct);
        await _ledger.CreateRunAsync(older with { Full = true, Tenants = ["other"] }, Ct);

        var runs = await _ledger.ListRunsAsync(10, Ct);
        Assert.Equal(["r-new", "r-old"], runs.Select(r => r.RunId));
        var stored = await _ledger.GetRunAsync("r-old", Ct);
        Assert.NotNull(stored);
        Assert.Equal(older.StartedAt, stored.StartedAt);
        Assert.Equal(["t1", "t2"], stored.Tenants);
        Assert.Equal(["Invoices", "Contacts"], stored.Endpoints);
        Assert.False(stored.Full);
        Assert.Null(await _ledger.GetRunAsync("missing", Ct));
        Assert.Single(await _ledger.ListRunsAsync(1, Ct));
    }

    [Fact]
    public async Task Mark_pending_keeps_done_and_reopens_failed_deferred_and_not_entitled()
    {
        await _ledger.MarkPendingAsync(Run, Tenant, Endpoint, 1, 5, new Dictionary<int, long> { [1] = 0, [2] = 100 }, Ct);
        await _ledger.RecordPageAsync(Page(1, PageStatus.Done, 100), Ct);
        await _ledger.RecordPageAsync(Page(2, PageStatus.Failed, error: "boom"), Ct);
        await _ledger.RecordPageAsync(Page(3, PageStatus.Deferred), Ct);
        await _ledger.RecordPageAsync(Page(4, PageStatus.NotEntitled), Ct);

        await _ledger.MarkPendingAsync(Run, Tenant, Endpoint, 1, 5, null, Ct);

        var pages = await _ledger.GetPagesAsync(Run, Tenant, Endpoint, Ct);
        Assert.Equal([PageStatus.Done, PageStatus.Pending, PageStatus.Pending, PageStatus.Pending, PageStatus.Pending], pages.Select(p => p.Status));
        Assert.Equal(0, pages[0].Offset);
        Assert.Equal(100, pages[1].Offset);
        Assert.Null(pages[1].Error);
        Assert.Equal(100, pages[0].Records);
    }

    [Fact]
    public async Task Done_is_final()
    {
        await _ledger.MarkPendingAsync(Run, Tenant, Endpoint, 1, 1, null, Ct);
        await _ledger.RecordPageAsync(Page(1, PageStatus.Done, 7, objectName: "obj-1"), Ct);
        await _ledger.RecordPageAsync(Page(1, PageStatus.Failed, error: "late failure"), Ct);
        await _ledger.RecordPageAsync(Page(1, PageStatus.Deferred), Ct);

        var page = Assert.Single(await _ledger.GetPagesAsync(Run, Tenant, Endpoint, Ct));
        Assert.Equal(PageStatus.Done, page.Status);
        Assert.Equal(7, page.Records);
        Assert.Equal("obj-1", page.ObjectName);
        Assert.Null(page.Error);
    }

    [Fact]
    public async Task Last_page_keeps_the_minimum_and_drops_pending_pages_past_it()
    {
        await _ledger.MarkPendingAsync(Run, Tenant, Endpoint, 1, 10, null, Ct);
        await _ledger.RecordPageAsync(Page(8, PageStatus.Failed), Ct);
        await _ledger.SetLastPageAsync(Run, Tenant, Endpoint, 6, Ct);
        await _ledger.SetLastPageAsync(Run, Tenant, Endpoint, 10, Ct);

        var progress = await _ledger.GetProgressAsync(Run, Tenant, Endpoint, Ct);
        Assert.Equal(6, progress.LastPage);
        Assert.Equal(6, progress.Pending);
        Assert.Equal(1, progress.Failed);
        var pages = await _ledger.GetPagesAsync(Run, Tenant, Endpoint, Ct);
        Assert.Equal([1, 2, 3, 4, 5, 6, 8], pages.Select(p => p.Page));

        // A late republish of the original range does not resurrect pages past the last page.
        await _ledger.MarkPendingAsync(Run, Tenant, Endpoint, 2, 10, null, Ct);
        Assert.Equal(6, (await _ledger.GetProgressAsync(Run, Tenant, Endpoint, Ct)).Pending);
    }

    [Fact]
    public async Task Progress_counts_statuses_records_calls_and_manifests()
    {
        var empty = await _ledger.GetProgressAsync(Run, Tenant, Endpoint, Ct);
        Assert.Null(empty.LastPage);
        Assert.False(empty.IsComplete);

        await _ledger.MarkPendingAsync(Run, Tenant, Endpoint, 1, 5, null, Ct);
        await _ledger.RecordPageAsync(Page(1, PageStatus.Done, 1000), Ct);
        await _ledger.RecordPageAsync(Page(2, PageStatus.Done, 250), Ct);
        await _ledger.RecordPageAsync(Page(3, PageStatus.Failed, 99), Ct);
        await _ledger.RecordPageAsync(Page(4, PageStatus.Deferred), Ct);
        await _ledger.CountCallsAsync(Run, Tenant, Endpoint, 3, 1, Ct);
        await _ledger.CountCallsAsync(Run, Tenant, Endpoint, 2, 0, Ct);

        var progress = await _ledger.GetProgressAsync(Run, Tenant, Endpoint, Ct);
        Assert.Equal(new EndpointProgress(Run, Tenant, Endpoint, null, 2, 1, 1, 0, 1, 1250, 5, 1, 0, 0), progress);
        Assert.False(progress.IsComplete);

        await _ledger.SetLastPageAsync(Run, Tenant, Endpoint, 4, Ct);
        Assert.True((await _ledger.GetProgressAsync(Run, Tenant, Endpoint, Ct)).IsComplete);

        await _ledger.CountCallsAsync(Run, Tenant, "Contacts", 1, 0, Ct);
        var run = await _ledger.GetRunProgressAsync(Run, Ct);
        Assert.Equal(["Contacts", "Invoices"], run.Select(p => p.Endpoint));
    }

    [Fact]
    public async Task Manifest_claims_follow_the_first_run_and_a_retry()
    {
        await _ledger.MarkPendingAsync(Run, Tenant, Endpoint, 1, 3, null, Ct);
        await _ledger.SetLastPageAsync(Run, Tenant, Endpoint, 3, Ct);
        await _ledger.RecordPageAsync(Page(1, PageStatus.Done, 10), Ct);
        await _ledger.RecordPageAsync(Page(2, PageStatus.Failed), Ct);
        Assert.Null(await _ledger.TryClaimManifestAsync(Run, Tenant, Endpoint, Ct));

        await _ledger.RecordPageAsync(Page(3, PageStatus.Done, 5), Ct);
        var first = await _ledger.TryClaimManifestAsync(Run, Tenant, Endpoint, Ct);
        Assert.NotNull(first);
        Assert.Equal(0, first.Sequence);
        Assert.Equal([(1, PageStatus.Done, (int?)0), (2, PageStatus.Failed, null), (3, PageStatus.Done, 0)], first.Pages.Select(p => (p.Page, p.Status, p.ManifestSequence)));
        Assert.Null(await _ledger.TryClaimManifestAsync(Run, Tenant, Endpoint, Ct));

        // Retry: the failed page is republished and completes.
        await _ledger.MarkPendingAsync(Run, Tenant, Endpoint, 2, 2, null, Ct);
        Assert.Null(await _ledger.TryClaimManifestAsync(Run, Tenant, Endpoint, Ct));
        await _ledger.RecordPageAsync(Page(2, PageStatus.Done, 3), Ct);
        var second = await _ledger.TryClaimManifestAsync(Run, Tenant, Endpoint, Ct);
        Assert.NotNull(second);
        Assert.Equal(1, second.Sequence);
        Assert.Equal([(2, PageStatus.Done, (int?)1)], second.Pages.Select(p => (p.Page, p.Status, p.ManifestSequence)));

        await _ledger.MarkManifestLoadedAsync(Run, Tenant, Endpoint, 0, 15, Ct);
        await _ledger.MarkManifestLoadedAsync(Run, Tenant, Endpoint, 0, 15, Ct);
        var progress = await _ledger.GetProgressAsync(Run, Tenant, Endpoint, Ct);
        Assert.Equal(2, progress.ManifestsWritten);
        Assert.Equal(1, progress.ManifestsLoaded);
        Assert.Equal(18, progress.Records);
    }

    [Fact]
    public async Task An_endpoint_with_only_failed_or_no_pages_still_gets_manifest_zero()
    {
        await _ledger.MarkPendingAsync(Run, Tenant, "Journals", 1, 1, null, Ct);
        await _ledger.SetLastPageAsync(Run, Tenant, "Journals", 1, Ct);
        await _ledger.RecordPageAsync(Page(1, PageStatus.NotEntitled) with { Endpoint = "Journals" }, Ct);
        var claim = await _ledger.TryClaimManifestAsync(Run, Tenant, "Journals", Ct);
        Assert.NotNull(claim);
        Assert.Equal(0, claim.Sequence);
        Assert.Equal(PageStatus.NotEntitled, Assert.Single(claim.Pages).Status);
        Assert.Null(await _ledger.TryClaimManifestAsync(Run, Tenant, "Journals", Ct));

        await _ledger.SetLastPageAsync(Run, Tenant, "Quotes", 0, Ct);
        var empty = await _ledger.TryClaimManifestAsync(Run, Tenant, "Quotes", Ct);
        Assert.NotNull(empty);
        Assert.Equal(0, empty.Sequence);
        Assert.Empty(empty.Pages);
        Assert.Null(await _ledger.TryClaimManifestAsync(Run, Tenant, "Quotes", Ct));
    }

    [Fact]
    public async Task Exactly_one_concurrent_claimer_wins_across_two_ledger_instances()
    {
        for (var round = 0; round < 2; round++)
        {
            var endpoint = $"Endpoint{round}";
            await _ledger.MarkPendingAsync(Run, Tenant, endpoint, 1, 20, null, Ct);
            await _ledger.SetLastPageAsync(Run, Tenant, endpoint, 20, Ct);
            for (var p = 1; p <= 20; p++)
            {
                await _ledger.RecordPageAsync(Page(p, PageStatus.Done, 10) with { Endpoint = endpoint }, Ct);
            }

            // As a second process would: its own client.
            var other = NewLedger();
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var claimers = Enumerable.Range(0, 8).Select(i => Task.Run(
                async () =>
                {
                    await start.Task;
                    return await (i % 2 == 0 ? _ledger : other).TryClaimManifestAsync(Run, Tenant, endpoint, Ct);
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
        await _ledger.MarkPendingAsync(Run, Tenant, Endpoint, 1, 200, null, Ct);
        await Parallel.ForEachAsync(Enumerable.Range(1, 200), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (p, ct) =>
        {
            await _ledger.RecordPageAsync(Page(p, PageStatus.Done, 1), ct);
            await _ledger.CountCallsAsync(Run, Tenant, Endpoint, 1, 0, ct);
        });

        var progress = await _ledger.GetProgressAsync(Run, Tenant, Endpoint, Ct);
        Assert.Equal(200, progress.Done);
        Assert.Equal(200, progress.Calls);
        Assert.Equal(200, progress.Records);
    }

    [Fact]
    public async Task Done_survives_racing_failed_writes_from_two_instances()
    {
        var other = NewLedger();
        await _ledger.MarkPendingAsync(Run, Tenant, Endpoint, 1, 10, null, Ct);
        await Task.WhenAll(Enumerable.Range(1, 10).SelectMany(p => new[]
        {
            Task.Run(() => _ledger.RecordPageAsync(Page(p, PageStatus.Done, 5), Ct), Ct),
            Task.Run(() => other.RecordPageAsync(Page(p, PageStatus.Failed, error: "late"), Ct), Ct),
            Task.Run(() => other.RecordPageAsync(Page(p, PageStatus.Deferred), Ct), Ct),
        }));

        var pages = await _ledger.GetPagesAsync(Run, Tenant, Endpoint, Ct);
        Assert.All(pages, p => Assert.Equal(PageStatus.Done, p.Status));
        Assert.Equal(50, (await other.GetProgressAsync(Run, Tenant, Endpoint, Ct)).Records);
    }

    [Fact]
    public async Task Identifiers_with_slashes_and_tildes_stay_distinct()
    {
        await _ledger.RecordPageAsync(new PageRecord(Run, "a/b", "c~d", 1, PageStatus.Done, 1), Ct);
        await _ledger.RecordPageAsync(new PageRecord(Run, "a", "b/c~d", 1, PageStatus.Done, 2), Ct);
        Assert.Equal(1, (await _ledger.GetProgressAsync(Run, "a/b", "c~d", Ct)).Records);
        Assert.Equal(2, (await _ledger.GetProgressAsync(Run, "a", "b/c~d", Ct)).Records);
        Assert.Equal(2, (await _ledger.GetRunProgressAsync(Run, Ct)).Count);
    }

    private static PageRecord Page(int page, PageStatus status, int records = 0, string? objectName = null, string? error = null) =>
        new(Run, Tenant, Endpoint, page, status, records, objectName, Error: error);
}
