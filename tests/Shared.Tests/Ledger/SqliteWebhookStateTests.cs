using XeroSync.Ledger;
using XeroSync.Ledger.Local;

namespace XeroSync.Tests.Ledger;

public sealed class SqliteWebhookStateTests : WebhookStateContractTests, IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    // Each store gets its own database object and connection pool on the same file, as separate processes would.
    protected override IWebhookStateStore NewStore(TimeProvider time) => new SqliteWebhookStateStore(SqliteStateDatabase.InFolder(_temp.Path), time);
}
