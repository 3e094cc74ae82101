namespace XeroSync.Ledger.Local;

/// <summary>
/// <see cref="IFreshnessStore"/> over the local SQLite state file: <c>freshness_batches</c> holds each targeted run's
/// (organisation, endpoint) batch until it lands (its landing is folded into the table's row and the batch deleted; one
/// that never lands is deleted <see cref="UnlandedKept"/> after its latest event), <c>freshness</c> one row per
/// (organisation, endpoint). Times are stored as round-trip UTC strings of one width, so the latest is the largest.
/// </summary>
public sealed class SqliteFreshnessStore : IFreshnessStore
{
    /// <summary>How long a batch that has not landed is kept for a retry to land it: the next incremental has read its records long before.</summary>
    public static readonly TimeSpan UnlandedKept = TimeSpan.FromDays(7);

    private readonly SqliteStateDatabase _database;

    public SqliteFreshnessStore(SqliteStateDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    public async Task RecordSeenAsync(IReadOnlyList<ChangeBatch> batches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batches);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = SqliteStateDatabase.BeginImmediate(connection);
        foreach (var batch in batches)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO freshness_batches (run_id, tenant_id, endpoint, changes, earliest_event, latest_event)
                VALUES ($run, $tenant, $endpoint, $changes, $earliest, $latest) ON CONFLICT DO NOTHING;
                INSERT INTO freshness (tenant_id, endpoint, last_seen) VALUES ($tenant, $endpoint, $latest)
                ON CONFLICT (tenant_id, endpoint) DO UPDATE SET last_seen = max(coalesce(last_seen, ''), excluded.last_seen);
                """;
            command.Parameters.AddWithValue("$run", batch.RunId);
            command.Parameters.AddWithValue("$tenant", batch.TenantId);
            command.Parameters.AddWithValue("$endpoint", batch.Endpoint);
            command.Parameters.AddWithValue("$changes", batch.Changes);
            command.Parameters.AddWithValue("$earliest", SqliteStateDatabase.FormatTime(batch.EarliestEvent));
            command.Parameters.AddWithValue("$latest", SqliteStateDatabase.FormatTime(batch.LatestEvent));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (batches.Count > 0)
        {
            await using var prune = connection.CreateCommand();
            prune.Transaction = transaction;
            prune.CommandText = "DELETE FROM freshness_batches WHERE landed_at IS NOT NULL OR latest_event < $cutoff";
            prune.Parameters.AddWithValue("$cutoff", SqliteStateDatabase.FormatTime(batches.Max(b => b.LatestEvent) - UnlandedKept));
            await prune.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<LandedBatch?> RecordLandedAsync(EndpointKey key, DateTimeOffset landedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = SqliteStateDatabase.BeginImmediate(connection);
        ChangeBatch batch;
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = """
                SELECT changes, earliest_event, latest_event FROM freshness_batches
                WHERE run_id = $run AND tenant_id = $tenant AND endpoint = $endpoint AND landed_at IS NULL
                """;
            AddKey(read, key);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            batch = new ChangeBatch(key.RunId, key.TenantId, key.Endpoint, reader.GetInt32(0), SqliteStateDatabase.ParseTime(reader.GetString(1)), SqliteStateDatabase.ParseTime(reader.GetString(2)));
        }

        var landed = new LandedBatch(batch, landedAt);
        await using (var write = connection.CreateCommand())
        {
            write.Transaction = transaction;
            write.CommandText = """
                DELETE FROM freshness_batches WHERE run_id = $run AND tenant_id = $tenant AND endpoint = $endpoint;
                INSERT INTO freshness (tenant_id, endpoint, last_seen, last_landed, last_change_landed, latency_ms, last_run_id)
                VALUES ($tenant, $endpoint, $latest, $landed, $latest, $latency, $run)
                ON CONFLICT (tenant_id, endpoint) DO UPDATE SET
                    last_seen = max(coalesce(last_seen, ''), excluded.last_seen),
                    last_change_landed = max(coalesce(last_change_landed, ''), excluded.last_change_landed),
                    last_landed = excluded.last_landed,
                    latency_ms = excluded.latency_ms,
                    last_run_id = excluded.last_run_id;
                """;
            AddKey(write, key);
            write.Parameters.AddWithValue("$landed", SqliteStateDatabase.FormatTime(landedAt));
            write.Parameters.AddWithValue("$latest", SqliteStateDatabase.FormatTime(batch.LatestEvent));
            write.Parameters.AddWithValue("$latency", (long)landed.Latency.TotalMilliseconds);
            await write.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return landed;
    }

    public async Task<IReadOnlyList<TableFreshness>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT tenant_id, endpoint, last_seen, last_landed, last_change_landed, latency_ms, last_run_id
            FROM freshness ORDER BY tenant_id, endpoint
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tables = new List<TableFreshness>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tables.Add(new TableFreshness(
                reader.GetString(0),
                reader.GetString(1),
                Time(reader, 2),
                Time(reader, 3),
                Time(reader, 4),
                reader.IsDBNull(5) ? null : TimeSpan.FromMilliseconds(reader.GetInt64(5)),
                reader.IsDBNull(6) ? null : reader.GetString(6)));
        }

        return tables;
    }

    private static DateTimeOffset? Time(Microsoft.Data.Sqlite.SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) || reader.GetString(ordinal).Length == 0 ? null : SqliteStateDatabase.ParseTime(reader.GetString(ordinal));

    private static void AddKey(Microsoft.Data.Sqlite.SqliteCommand command, EndpointKey key)
    {
        command.Parameters.AddWithValue("$run", key.RunId);
        command.Parameters.AddWithValue("$tenant", key.TenantId);
        command.Parameters.AddWithValue("$endpoint", key.Endpoint);
    }
}
