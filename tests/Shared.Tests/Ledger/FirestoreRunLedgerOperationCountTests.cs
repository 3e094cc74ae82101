using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using XeroSync.Google;
using XeroSync.Google.Firestore;
using XeroSync.Ledger;
using XeroSync.Ledger.Firestore;

namespace XeroSync.Tests.Ledger;

/// <summary>
/// What the fetch path costs in Firestore operations, counted on the wire: an endpoint read page by page (claim, done,
/// open the next) must cost the same per page at 50 pages as at 200 (linear in total, no per-page scan of the endpoint).
/// </summary>
public sealed class FirestoreRunLedgerOperationCountTests
{
    private readonly GoogleEmulators _emulators;
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N") + "_";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

    public FirestoreRunLedgerOperationCountTests(GoogleEmulators emulators)
    {
        _emulators = emulators;
        emulators.Require();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 300_000)]
    public async Task A_chain_of_pages_costs_the_same_operations_per_page_at_50_and_at_200_pages()
    {
        var small = await ReadChainAsync(50);
        var large = await ReadChainAsync(200);

        foreach (var (pages, cost) in new[] { (50, small), (200, large) })
        {
            TestContext.Current.TestOutputHelper?.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"N={pages}: fetch path {cost.Requests} requests, {cost.Reads} document reads, {cost.Writes} document writes " +
                $"({(double)cost.Requests / pages:F2} / {(double)cost.Reads / pages:F2} / {(double)cost.Writes / pages:F2} per page); " +
                $"manifest claim {cost.ClaimRequests} requests, {cost.ClaimReads} reads, {cost.ClaimWrites} writes"));
        }

        // Linear: four times the pages cost four times the operations, up to a constant (the last page opens no next);
        // a scan of the endpoint per page would make the reads grow sixteenfold.
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"marginal per page: {(large.Requests - small.Requests) / 150.0:F2} requests, {(large.Reads - small.Reads) / 150.0:F2} reads, {(large.Writes - small.Writes) / 150.0:F2} writes"));
        Assert.InRange(large.Requests - (4 * small.Requests), -10, 10);
        Assert.InRange(large.Reads - (4 * small.Reads), -10, 10);
        Assert.InRange(large.Writes - (4 * small.Writes), -10, 10);

        // The one endpoint scan is the manifest claim's: a few requests whatever N, reads of each page once.
        Assert.Equal(small.ClaimRequests, large.ClaimRequests);
        Assert.InRange(large.ClaimReads, 200, 210);
    }

    private async Task<Cost> ReadChainAsync(int pages)
    {
        var counter = new FirestoreOperationCounter
        {
            InnerHandler = new GoogleAuthHandler(new GoogleEndpoint(GoogleService.Firestore, GoogleEndpoint.ParseHost(_emulators.FirestoreHost!), IsEmulator: true), null)
            {
                InnerHandler = new SocketsHttpHandler(),
            },
        };
        var baseUri = GoogleEndpoint.ParseHost(_emulators.FirestoreHost!);
        var client = new FirestoreClient(new HttpClient(counter) { Timeout = TimeSpan.FromSeconds(60) }, new GoogleClientOptions(GoogleEmulators.ProjectId, baseUri), TimeProvider.System, NullLogger<FirestoreClient>.Instance);
        var ledger = new FirestoreRunLedger(client, _time, _prefix);
        var runId = $"chain-{pages}";
        var key = new EndpointKey(runId, "tenant", "Journals");
        await ledger.CreateRunAsync(new RunInfo(runId, _time.GetUtcNow(), ["tenant"], ["Journals"], false), [new("tenant", "Journals", 0, false)], Ct);

        var (requests, reads, writes) = (counter.Requests, counter.Reads, counter.Writes);
        for (var page = 1; page <= pages; page++)
        {
            var offset = (page - 1) * 100L;
            var claim = await ledger.ClaimPageAsync(key, page, offset, "worker", TimeSpan.FromMinutes(2), Ct);
            Assert.Equal(PageClaimKind.Claimed, claim.Kind);
            var last = page == pages;
            await ledger.RecordPageDoneAsync(new PageDone(key, page, 100, $"page-{page}", offset, offset + 100, last, last ? pages : null), Ct);
            if (!last)
            {
                await ledger.OpenPagesAsync(key, [new PendingPage(page + 1, offset + 100)], Ct);
            }
        }

        var cost = new Cost(counter.Requests - requests, counter.Reads - reads, counter.Writes - writes);
        (requests, reads, writes) = (counter.Requests, counter.Reads, counter.Writes);
        var manifest = await ledger.ClaimManifestAsync(key, Ct);
        Assert.Equal(pages, manifest!.Pages.Count);
        var state = await ledger.GetEndpointAsync(key, Ct);
        Assert.Equal((pages, 0, (long)pages * 100, (int?)pages, (long?)pages * 100), (state.Done, state.Pending, state.Records, state.LastPage, state.MaxNextOffset));
        return cost with
        {
            ClaimRequests = counter.Requests - requests - 1,
            ClaimReads = counter.Reads - reads - 1,
            ClaimWrites = counter.Writes - writes,
        };
    }

    private sealed record Cost(long Requests, long Reads, long Writes, long ClaimRequests = 0, long ClaimReads = 0, long ClaimWrites = 0);
}
