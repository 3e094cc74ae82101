using Microsoft.Data.Sqlite;
using XeroSync.Ledger;
using XeroSync.Ledger.Local;

namespace XeroSync.Tests.Ledger;

public sealed class SqliteFreshnessPruneTests : FreshnessPruneContractTests, IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    protected override IFreshnessStore NewStore() => new SqliteFreshnessStore(SqliteStateDatabase.InFolder(_temp.Path));

    protected override async Task<int> CountBatchesAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_temp.Path, SqliteStateDatabase.FileName)};Pooling=False");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM freshness_batches";
        return Convert.ToInt32(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
