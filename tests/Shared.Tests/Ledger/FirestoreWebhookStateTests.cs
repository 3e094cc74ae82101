using XeroSync.Ledger;
using XeroSync.Ledger.Firestore;
using XeroSync.Tests.Google;

namespace XeroSync.Tests.Ledger;

public sealed class FirestoreWebhookStateTests : WebhookStateContractTests
{
    private readonly GoogleEmulators _emulators;
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N") + "_";

    public FirestoreWebhookStateTests(GoogleEmulators emulators)
    {
        _emulators = emulators;
        emulators.Require();
    }

    // Each store has its own client (its own connections), as a second Dispatcher instance would.
    protected override IWebhookStateStore NewStore(TimeProvider time) => new FirestoreWebhookStateStore(GoogleTestClients.Firestore(_emulators.FirestoreHost!), time, _prefix);
}
