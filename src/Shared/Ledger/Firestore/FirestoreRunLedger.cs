using System.Globalization;
using XeroSync.Google.Firestore;

namespace XeroSync.Ledger.Firestore;

/// <summary>
/// <see cref="IRunLedger"/> on Firestore, laid out so that the hot paths never contend:
/// <list type="bullet">
/// <item><c>{prefix}runs/{run}</c>: the run (created if absent).</item>
/// <item><c>runs/{run}/pages/{tenant}~{endpoint}~{page:D5}</c>: one document per page, written without a
/// transaction (create-if-absent or an updateTime precondition, re-read and retried on a lost race) so Done stays final.</item>
/// <item><c>runs/{run}/counters/{tenant}~{endpoint}</c>: calls and throttles, blind increment transforms only.</item>
/// <item><c>runs/{run}/endpoints/{tenant}~{endpoint}</c>: the last page; written only by SetLastPage.</item>
/// <item><c>runs/{run}/manifests/{tenant}~{endpoint}~{sequence:D5}</c>: one document per manifest, with its load.</item>
/// </list>
/// MarkPending, SetLastPage and TryClaimManifest are read-modify-write transactions over one endpoint's documents
/// (rare: once per publish batch, once per endpoint, once per completion), so they serialise against each other
/// and against page writes of that endpoint only. Identifiers are encoded with <see cref="FirestoreDocumentId"/>.
/// </summary>
public sealed class FirestoreRunLedger : IRunLedger
{
    public Task<PageClaim> ClaimPageAsync(EndpointKey key, int page, long? offset, string owner, TimeSpan lease, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task<bool> RenewPageAsync(EndpointKey key, int page, string owner, TimeSpan lease, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task ReleasePageAsync(EndpointKey key, int page, string owner, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task<PageRecord> RecordPageDoneAsync(PageDone page, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task RecordPageEndedAsync(EndpointKey key, int page, long? offset, PageStatus status, string reason, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task OpenPagesAsync(EndpointKey key, IReadOnlyList<PendingPage> pages, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task ReopenPagesAsync(EndpointKey key, IReadOnlyList<PendingPage> pages, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task<IReadOnlyList<PageRecord>> GetPagesAsync(EndpointKey key, int firstPage, int lastPage, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task<IReadOnlyList<PageRecord>> GetAllPagesAsync(EndpointKey key, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task CountCallsAsync(EndpointKey key, int calls, int throttles, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task<EndpointState> GetEndpointAsync(EndpointKey key, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task<IReadOnlyList<EndpointState>> GetRunEndpointsAsync(string runId, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task<ManifestClaim?> ClaimManifestAsync(EndpointKey key, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task<IReadOnlyList<ManifestRecord>> GetManifestsAsync(EndpointKey key, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task MarkManifestWrittenAsync(EndpointKey key, int sequence, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task<EndpointState> MarkManifestLoadedAsync(EndpointKey key, int sequence, long rows, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task MarkManifestFailedAsync(EndpointKey key, int sequence, string reason, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task MarkWatermarkAdvancedAsync(EndpointKey key, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task CreateRunAsync(RunInfo run, IReadOnlyList<EndpointOpening> endpoints, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task<RunInfo?> GetRunAsync(string runId, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task<IReadOnlyList<RunInfo>> ListRunsAsync(int limit, CancellationToken cancellationToken) => throw new NotImplementedException();
    public FirestoreRunLedger(FirestoreClient client, TimeProvider time, string collectionPrefix = "") { _ = client; _ = time; _ = collectionPrefix; }
}
