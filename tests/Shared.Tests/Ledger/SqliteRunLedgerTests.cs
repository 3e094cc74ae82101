using XeroSync.Ledger;
using XeroSync.Ledger.Local;

namespace XeroSync.Tests.Ledger;

public sealed class SqliteRunLedgerTests : RunLedgerContractTests, IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    protected override IRunLedger NewLedger() =>
        new SqliteRunLedger(new SqliteStateDatabase(Path.Combine(_temp.Path, SqliteStateDatabase.FileName)), Time);
}
