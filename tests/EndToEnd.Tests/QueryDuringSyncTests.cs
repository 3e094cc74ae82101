using XeroSync.Tests.Processes;
using XeroSync.Warehouse.Local;

namespace XeroSync.Tests;

/// <summary>
/// Reads while a sync runs: a real <c>sync</c> child holds a call in flight (so it is still running), and a query from
/// this process, through the library the <c>query</c> command uses, answers with every load committed so far and no
/// row of a load that has not finished.
/// </summary>
public sealed class QueryDuringSyncTests
{
    /// <summary>Longer than a load of this organisation takes, far shorter than a sync: a query refused for a whole sync fails.</summary>
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task A_query_during_a_sync_sees_every_committed_load_and_no_part_of_an_unfinished_one()
    {
        await using var simulator = await CliSimulator.StartAsync(tenants: 1, Token);
        using var data = new TempDirectory();
        var database = Path.Combine(data.Path, "warehouse.duckdb");
        await using (var first = SyncProcess.StartSync(data.Path, simulator.Environment))
        {
            var exit = await first.WaitForExitAsync(TimeSpan.FromMinutes(4), Token);
            Assert.True(exit == 0, $"the first sync exited {exit}\n{first.Transcript}");
        }

        var firstLoads = await ColumnAsync(database, "SELECT job_id FROM xero_raw._loads ORDER BY job_id");
        Assert.NotEmpty(firstLoads);

        // The second sync stays running while the simulator holds its Invoices call; its other endpoints load meanwhile.
        var hold = simulator.Hold(a => a.TenantId is not null && a.Endpoint == "Invoices");
        await using var second = SyncProcess.StartSync(data.Path, simulator.Environment);
        await hold.Reached.WaitAsync(TimeSpan.FromMinutes(2), Token);

        var duringLoads = await ColumnAsync(database, "SELECT job_id FROM xero_raw._loads ORDER BY job_id");
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var unfinished = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var endpoint in simulator.Truth.Endpoints)
        {
            var table = SimulatorTruth.TableName(endpoint);
            counts[endpoint] = await ScalarAsync(database, $"SELECT count(*) FROM xero.{table}");
            unfinished[endpoint] = await ScalarAsync(database, $"SELECT count(*) FROM xero_raw.{table} WHERE load_id NOT IN (SELECT job_id FROM xero_raw._loads)");
        }

        Assert.False(second.HasExited, $"the second sync ended before the queries were answered\n{second.Transcript}");
        Assert.Subset(duringLoads.ToHashSet(StringComparer.Ordinal), firstLoads.ToHashSet(StringComparer.Ordinal));
        foreach (var endpoint in simulator.Truth.Endpoints)
        {
            // Changes are off: the first sync landed every record, and whatever the second has loaded repeats them.
            var expected = simulator.Truth.Tenants.Sum(t => simulator.Truth.GetRecords(t.TenantId, endpoint).Count);
            Assert.True(expected == counts[endpoint], $"{endpoint}: the latest view held {counts[endpoint]} rows during the sync, the simulator has {expected}");
            Assert.True(unfinished[endpoint] == 0, $"{endpoint}: {unfinished[endpoint]} raw rows of an unfinished load were readable");
        }

        hold.Release();
        var secondExit = await second.WaitForExitAsync(TimeSpan.FromMinutes(4), Token);
        Assert.True(secondExit == 0, $"the second sync exited {secondExit}\n{second.Transcript}");
        LocalDemoEnvironment.AssertViewsEqualTruth(simulator.Truth, database);
    }

    private static async Task<List<string>> ColumnAsync(string database, string sql)
    {
        var result = (await DuckDbQuery.RunAsync(database, sql, int.MaxValue, TimeProvider.System, LockWait, Token)).Single();
        return [.. result.Rows.Select(r => (string)r[0]!)];
    }

    private static async Task<long> ScalarAsync(string database, string sql)
    {
        var result = (await DuckDbQuery.RunAsync(database, sql, 1, TimeProvider.System, LockWait, Token)).Single();
        return Convert.ToInt64(result.Rows[0][0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
