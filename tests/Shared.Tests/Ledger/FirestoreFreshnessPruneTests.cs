using XeroSync.Google.Firestore;
using XeroSync.Ledger;
using XeroSync.Ledger.Firestore;
using XeroSync.Tests.Google;

namespace XeroSync.Tests.Ledger;

public sealed class FirestoreFreshnessPruneTests : FreshnessPruneContractTests
{
    private readonly GoogleEmulators _emulators;
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N") + "_";

    public FirestoreFreshnessPruneTests(GoogleEmulators emulators)
    {
        _emulators = emulators;
        emulators.Require();
    }

    protected override IFreshnessStore NewStore() => new FirestoreFreshnessStore(GoogleTestClients.Firestore(_emulators.FirestoreHost!), _prefix);

    protected override async Task<int> CountBatchesAsync() =>
        (await GoogleTestClients.Firestore(_emulators.FirestoreHost!).RunQueryAsync(new FirestoreQuery(_prefix + "freshness_batches"), cancellationToken: Ct)).Count;
}
