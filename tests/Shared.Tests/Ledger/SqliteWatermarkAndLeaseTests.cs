using XeroSync.Ledger;
using XeroSync.Ledger.Local;

namespace XeroSync.Tests.Ledger;

public sealed class SqliteWatermarkAndLeaseTests : WatermarkAndLeaseContractTests, IDisposable
{
    private readonly TempDirectory _temp = new();

    protected override string LeaseName => "refresh:t1";

    public void Dispose() => _temp.Dispose();

    protected override IWatermarkStore NewWatermarks() => new SqliteWatermarkStore(Database());

    // Each store gets its own database object and connection pool on the same file, as separate processes would.
    protected override ILeaseStore NewLeases(TimeProvider time) => new SqliteLeaseStore(Database(), time);

    private SqliteStateDatabase Database() => SqliteStateDatabase.InFolder(_temp.Path);
}
