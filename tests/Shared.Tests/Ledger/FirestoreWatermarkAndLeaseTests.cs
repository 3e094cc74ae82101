using XeroSync.Ledger;
using XeroSync.Ledger.Firestore;
using XeroSync.Tests.Google;

namespace XeroSync.Tests.Ledger;

public sealed class FirestoreWatermarkAndLeaseTests : WatermarkAndLeaseContractTests
{
    private readonly GoogleEmulators _emulators;
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N") + "_";

    public FirestoreWatermarkAndLeaseTests(GoogleEmulators emulators)
    {
        _emulators = emulators;
        emulators.Require();
    }

    protected override string LeaseName => "refresh/t1";

    protected override IWatermarkStore NewWatermarks() => new FirestoreWatermarkStore(GoogleTestClients.Firestore(_emulators.FirestoreHost!), _prefix);

    protected override ILeaseStore NewLeases(TimeProvider time) => new FirestoreLeaseStore(GoogleTestClients.Firestore(_emulators.FirestoreHost!), time, _prefix);
}
