using XeroSync.Ledger;
using XeroSync.Ledger.Firestore;
using XeroSync.Tests.Google;

namespace XeroSync.Tests.Ledger;

public sealed class FirestoreRunLedgerTests : RunLedgerContractTests
{
    private readonly GoogleEmulators _emulators;
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N") + "_";

    public FirestoreRunLedgerTests(GoogleEmulators emulators)
    {
        _emulators = emulators;
        emulators.Require();
    }

    protected override int ClaimRounds => 2;

    protected override int ClaimersPerRound => 8;

    protected override IRunLedger NewLedger() => new FirestoreRunLedger(GoogleTestClients.Firestore(_emulators.FirestoreHost!), Time, _prefix);
}
