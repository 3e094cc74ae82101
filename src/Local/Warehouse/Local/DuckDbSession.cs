using DuckDB.NET.Data;

namespace XeroSync.Warehouse.Local;

/// <summary>
/// Opens the local warehouse file. DuckDB lets one process write a file or several read it, never both: the sync opens
/// it for one load at a time and closes it after, and a reader opens it read-only between loads. Either side that finds
/// the other holding the file waits for it (a load commits in seconds, a query answers in seconds), up to a bound.
/// </summary>
internal static class DuckDbSession
{
    /// <summary>
    /// DuckDB's buffer pool cap. Every transaction is one page object (at most a few MB), so what the pool holds is the
    /// page being appended, the row groups being checkpointed (<see cref="RowGroupSize"/> rows each) and cached blocks,
    /// which DuckDB evicts (spilling to the temp folder when a query needs more). At 64MB a 500k-record sync dead-lettered
    /// four of its 29 loads (bench figure 3), and 1GB is the cap a 500k-record sync has completed under, so the cap
    /// leaves room for checkpoints of large rows while still bounding the pool far below DuckDB's default of 80 % of RAM.
    /// </summary>
    public const string MemoryLimit = "1GB";

    /// <summary>Rows per row group instead of DuckDB's 122,880: a row group is built in memory before it is written, and
    /// a default one of Xero payloads is about 200 MB. An ATTACH option, so the file is attached to an in-memory session.</summary>
    public const int RowGroupSize = 8192;

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(1);

    /// <summary>Opens <paramref name="databasePath"/> for writing (created when missing) with bounded memory and one thread.</summary>
    public static Task<DuckDBConnection> OpenWritableAsync(string databasePath, TimeProvider time, TimeSpan lockWait, CancellationToken cancellationToken) =>
        OpenAsync(() => OpenWritable(databasePath), time, lockWait, cancellationToken);

    /// <summary>Opens <paramref name="databasePath"/> read-only (DuckDB <c>ACCESS_MODE=READ_ONLY</c>): nothing a reader runs can change it.</summary>
    public static Task<DuckDBConnection> OpenReadOnlyAsync(string databasePath, TimeProvider time, TimeSpan lockWait, CancellationToken cancellationToken) =>
        OpenAsync(() => OpenReadOnly(databasePath), time, lockWait, cancellationToken);

    /// <summary>DuckDB's answer when another process holds the file (it takes an advisory lock and does not wait for it).</summary>
    public static bool IsLockConflict(DuckDBException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Message.Contains("Could not set lock on file", StringComparison.Ordinal)
            || exception.Message.Contains("Conflicting lock is held", StringComparison.Ordinal);
    }

    private static async Task<DuckDBConnection> OpenAsync(Func<DuckDBConnection> open, TimeProvider time, TimeSpan lockWait, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var delay = FirstRetry;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return open();
            }
            catch (DuckDBException ex) when (IsLockConflict(ex) && time.GetElapsedTime(started) + delay <= lockWait)
            {
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestRetry.Ticks));
            }
        }
    }

    private static DuckDBConnection OpenWritable(string databasePath)
    {
        var folder = Path.GetDirectoryName(databasePath);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        var connection = new DuckDBConnection(new DuckDBConnectionStringBuilder { DataSource = DuckDBConnectionStringBuilder.InMemoryDataSource }.ConnectionString);
        connection.Open();
        try
        {
            using var setup = connection.CreateCommand();
            setup.CommandText = SessionSql(databasePath);
            setup.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static DuckDBConnection OpenReadOnly(string databasePath)
    {
        var builder = new DuckDBConnectionStringBuilder { DataSource = databasePath };
        builder["ACCESS_MODE"] = "READ_ONLY";
        var connection = new DuckDBConnection(builder.ConnectionString);
        try
        {
            connection.Open();
            using var setup = connection.CreateCommand();
            setup.CommandText = $"SET memory_limit = '{MemoryLimit}'; SET threads = 1;";
            setup.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// One thread (the warehouse serialises every operation), the buffer pool capped at <see cref="MemoryLimit"/> with
    /// spills beside the file, the allocator's freed memory returned by a background thread (loads arrive on varying
    /// thread-pool threads, each leaving an allocator cache), and the file attached with small row groups.
    /// </summary>
    private static string SessionSql(string databasePath)
    {
        var file = databasePath.Replace("'", "''", StringComparison.Ordinal);
        return $"""
            SET memory_limit = '{MemoryLimit}';
            SET threads = 1;
            SET allocator_background_threads = true;
            SET temp_directory = '{file}.tmp';
            ATTACH '{file}' AS warehouse (ROW_GROUP_SIZE {RowGroupSize});
            USE warehouse;
            """;
    }
}
