namespace XeroSync.Ledger.Local;

/// <summary>
/// Named, time-limited leases in the local SQLite state file: a cross-process lock (e.g. one token
/// refresher per tenant). An expired lease can be taken over by another owner.
/// </summary>
public sealed class SqliteLeaseStore : ILeaseStore
{
    private readonly SqliteStateDatabase _database;
    private readonly TimeProvider _time;

    public SqliteLeaseStore(SqliteStateDatabase database, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(time);
        _database = database;
        _time = time;
    }

    /// <summary>
    /// Takes (or, for the current owner, renews) the lease <paramref name="name"/> for <paramref name="ttl"/>.
    /// Returns false while another owner holds an unexpired lease.
    /// </summary>
    public async Task<bool> TryAcquireAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        var now = _time.GetUtcNow();
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = SqliteStateDatabase.BeginImmediate(connection);
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT owner, expires_at FROM leases WHERE name = $name";
            read.Parameters.AddWithValue("$name", name);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken)
                && !string.Equals(reader.GetString(0), owner, StringComparison.Ordinal)
                && SqliteStateDatabase.ParseTime(reader.GetString(1)) > now)
            {
                return false;
            }
        }

        await using (var write = connection.CreateCommand())
        {
            write.Transaction = transaction;
            write.CommandText = """
                INSERT INTO leases (name, owner, expires_at) VALUES ($name, $owner, $expires)
                ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
                """;
            write.Parameters.AddWithValue("$name", name);
            write.Parameters.AddWithValue("$owner", owner);
            write.Parameters.AddWithValue("$expires", SqliteStateDatabase.FormatTime(now + ttl));
            await write.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Releases the lease if <paramref name="owner"/> still holds it; otherwise does nothing.</summary>
    public async Task ReleaseAsync(string name, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM leases WHERE name = $name AND owner = $owner";
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$owner", owner);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
