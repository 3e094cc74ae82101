using XeroSync.Contracts;

namespace XeroSync.Ledger.Local;

/// <summary><see cref="IWatermarkStore"/> over the local SQLite state file; watermarks never move backwards.</summary>
public sealed class SqliteWatermarkStore : IWatermarkStore
{
    private readonly SqliteStateDatabase _database;

    public SqliteWatermarkStore(SqliteStateDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    public async Task<Watermark?> GetAsync(string tenantId, string endpoint, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT modified_since, journal_offset FROM watermarks WHERE tenant_id = $tenant AND endpoint = $endpoint";
        command.Parameters.AddWithValue("$tenant", tenantId);
        command.Parameters.AddWithValue("$endpoint", endpoint);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new Watermark(
            reader.IsDBNull(0) ? null : SqliteStateDatabase.ParseTime(reader.GetString(0)),
            reader.IsDBNull(1) ? null : reader.GetInt64(1));
    }

    public async Task AdvanceAsync(string tenantId, string endpoint, Watermark watermark, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(watermark);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = SqliteStateDatabase.BeginImmediate(connection);
        DateTimeOffset? modifiedSince = null;
        long? journalOffset = null;
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT modified_since, journal_offset FROM watermarks WHERE tenant_id = $tenant AND endpoint = $endpoint";
            read.Parameters.AddWithValue("$tenant", tenantId);
            read.Parameters.AddWithValue("$endpoint", endpoint);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                modifiedSince = reader.IsDBNull(0) ? null : SqliteStateDatabase.ParseTime(reader.GetString(0));
                journalOffset = reader.IsDBNull(1) ? null : reader.GetInt64(1);
            }
        }

        modifiedSince = Max(modifiedSince, watermark.ModifiedSince);
        journalOffset = Max(journalOffset, watermark.JournalOffset);

        await using (var write = connection.CreateCommand())
        {
            write.Transaction = transaction;
            write.CommandText = """
                INSERT INTO watermarks (tenant_id, endpoint, modified_since, journal_offset) VALUES ($tenant, $endpoint, $modified, $offset)
                ON CONFLICT (tenant_id, endpoint) DO UPDATE SET modified_since = excluded.modified_since, journal_offset = excluded.journal_offset
                """;
            write.Parameters.AddWithValue("$tenant", tenantId);
            write.Parameters.AddWithValue("$endpoint", endpoint);
            write.Parameters.AddWithValue("$modified", modifiedSince is { } m ? SqliteStateDatabase.FormatTime(m) : DBNull.Value);
            write.Parameters.AddWithValue("$offset", (object?)journalOffset ?? DBNull.Value);
            await write.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static T? Max<T>(T? current, T? proposed)
        where T : struct, IComparable<T> =>
        current is not { } c ? proposed : proposed is not { } p ? c : (p.CompareTo(c) > 0 ? p : c);
}
