using Microsoft.Data.Sqlite;

namespace XeroSync.Tests.Processes;

/// <summary>
/// The state database's write lock held by the test (<c>BEGIN IMMEDIATE</c> on <c>{data}/state.db</c>): while it
/// is held the child can read but commits nothing, so it blocks at its next write (for up to its busy timeout).
/// </summary>
internal sealed class StateWriteLock : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;

    private StateWriteLock(SqliteConnection connection, SqliteTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    public static async Task<StateWriteLock> AcquireAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(dataDirectory, "state.db");
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 30 }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            using (var busy = connection.CreateCommand())
            {
                busy.CommandText = "PRAGMA busy_timeout = 30000;";
                await busy.ExecuteNonQueryAsync(cancellationToken);
            }

            var transaction = connection.BeginTransaction(deferred: false);
            return new StateWriteLock(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.RollbackAsync();
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
