using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace XeroSync.Ledger.Local;

/// <summary>
/// <see cref="IRunLedger"/> over the local SQLite state file. Every write is idempotent; read-modify-writes
/// run in <c>BEGIN IMMEDIATE</c> transactions so concurrent threads and processes serialise on them.
/// </summary>
public sealed class SqliteRunLedger : IRunLedger
{
    private const string PageColumns =
        "run_id, tenant_id, endpoint, page, status, records, object_name, page_offset, next_offset, is_last, error, manifest_sequence, updated_at";

    private const string EndpointKey = "run_id = $run AND tenant_id = $tenant AND endpoint = $endpoint";

    private static readonly string Pending = PageStatus.Pending.ToString();
    private static readonly string Done = PageStatus.Done.ToString();

    private readonly SqliteStateDatabase _database;
    private readonly TimeProvider _time;

    public SqliteRunLedger(SqliteStateDatabase database, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(time);
        _database = database;
        _time = time;
    }

    public async Task CreateRunAsync(RunInfo run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO runs (run_id, started_at, tenants, endpoints, full)
            VALUES ($run, $started, $tenants, $endpoints, $full)
            ON CONFLICT (run_id) DO NOTHING
            """;
        command.Parameters.AddWithValue("$run", run.RunId);
        command.Parameters.AddWithValue("$started", SqliteStateDatabase.FormatTime(run.StartedAt));
        command.Parameters.AddWithValue("$tenants", JsonSerializer.Serialize(run.Tenants, LedgerJsonContext.Default.IReadOnlyListString));
        command.Parameters.AddWithValue("$endpoints", JsonSerializer.Serialize(run.Endpoints, LedgerJsonContext.Default.IReadOnlyListString));
        command.Parameters.AddWithValue("$full", run.Full ? 1 : 0);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<RunInfo?> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT run_id, started_at, tenants, endpoints, full FROM runs WHERE run_id = $run";
        command.Parameters.AddWithValue("$run", runId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRun(reader) : null;
    }

    public async Task<IReadOnlyList<RunInfo>> ListRunsAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT run_id, started_at, tenants, endpoints, full FROM runs ORDER BY started_at DESC, run_id DESC LIMIT $limit";
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var runs = new List<RunInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(ReadRun(reader));
        }

        return runs;
    }

    public async Task MarkPendingAsync(string runId, string tenantId, string endpoint, int firstPage, int lastPage, IReadOnlyDictionary<int, long>? offsets, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(firstPage, 1);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = SqliteStateDatabase.BeginImmediate(connection);
        await EnsureEndpointAsync(connection, transaction, runId, tenantId, endpoint, cancellationToken);

        // A page past the endpoint's known last page would never complete: it is not recorded.
        var knownLast = await GetLastPageAsync(connection, transaction, runId, tenantId, endpoint, cancellationToken);
        var upTo = knownLast is int known ? Math.Min(lastPage, known) : lastPage;

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            INSERT INTO pages (run_id, tenant_id, endpoint, page, status, page_offset, updated_at)
            VALUES ($run, $tenant, $endpoint, $page, '{Pending}', $offset, $now)
            ON CONFLICT (run_id, tenant_id, endpoint, page) DO UPDATE SET
                status = '{Pending}',
                page_offset = coalesce(excluded.page_offset, pages.page_offset),
                error = NULL,
                updated_at = excluded.updated_at
            WHERE pages.status <> '{Done}'
            """;
        AddKey(command, runId, tenantId, endpoint);
        var page = command.Parameters.Add("$page", SqliteType.Integer);
        var offset = command.Parameters.Add("$offset", SqliteType.Integer);
        command.Parameters.AddWithValue("$now", SqliteStateDatabase.FormatTime(_time.GetUtcNow()));
        for (var n = firstPage; n <= upTo; n++)
        {
            page.Value = n;
            offset.Value = offsets is not null && offsets.TryGetValue(n, out var value) ? value : DBNull.Value;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task ReopenAsync(string runId, string tenantId, string endpoint, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE endpoints SET last_page = NULL WHERE {EndpointKey}";
        AddKey(command, runId, tenantId, endpoint);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task SetLastPageAsync(string runId, string tenantId, string endpoint, int lastPage, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lastPage);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = SqliteStateDatabase.BeginImmediate(connection);
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO endpoints (run_id, tenant_id, endpoint, last_page) VALUES ($run, $tenant, $endpoint, $last)
                ON CONFLICT (run_id, tenant_id, endpoint) DO UPDATE SET
                    last_page = CASE WHEN endpoints.last_page IS NULL OR excluded.last_page < endpoints.last_page
                                     THEN excluded.last_page ELSE endpoints.last_page END
                """;
            AddKey(command, runId, tenantId, endpoint);
            command.Parameters.AddWithValue("$last", lastPage);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"""
                DELETE FROM pages WHERE {EndpointKey} AND status = '{Pending}'
                AND page > (SELECT last_page FROM endpoints WHERE {EndpointKey})
                """;
            AddKey(command, runId, tenantId, endpoint);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task RecordPageAsync(PageRecord page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentOutOfRangeException.ThrowIfLessThan(page.Page, 1);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = SqliteStateDatabase.BeginImmediate(connection);
        await EnsureEndpointAsync(connection, transaction, page.RunId, page.TenantId, page.Endpoint, cancellationToken);
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;

            // Done is final; the manifest sequence is the ledger's to assign, never the caller's.
            command.CommandText = $"""
                INSERT INTO pages ({PageColumns})
                VALUES ($run, $tenant, $endpoint, $page, $status, $records, $object, $offset, $next, $last, $error, NULL, $updated)
                ON CONFLICT (run_id, tenant_id, endpoint, page) DO UPDATE SET
                    status = excluded.status,
                    records = excluded.records,
                    object_name = excluded.object_name,
                    page_offset = coalesce(excluded.page_offset, pages.page_offset),
                    next_offset = excluded.next_offset,
                    is_last = excluded.is_last,
                    error = excluded.error,
                    updated_at = excluded.updated_at
                WHERE pages.status <> '{Done}'
                """;
            AddKey(command, page.RunId, page.TenantId, page.Endpoint);
            command.Parameters.AddWithValue("$page", page.Page);
            command.Parameters.AddWithValue("$status", page.Status.ToString());
            command.Parameters.AddWithValue("$records", page.Records);
            command.Parameters.AddWithValue("$object", (object?)page.ObjectName ?? DBNull.Value);
            command.Parameters.AddWithValue("$offset", (object?)page.Offset ?? DBNull.Value);
            command.Parameters.AddWithValue("$next", (object?)page.NextOffset ?? DBNull.Value);
            command.Parameters.AddWithValue("$last", page.IsLast ? 1 : 0);
            command.Parameters.AddWithValue("$error", (object?)page.Error ?? DBNull.Value);
            command.Parameters.AddWithValue("$updated", SqliteStateDatabase.FormatTime(page.UpdatedAt ?? _time.GetUtcNow()));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task CountCallsAsync(string runId, string tenantId, string endpoint, int calls, int throttles, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO endpoints (run_id, tenant_id, endpoint, calls, throttles) VALUES ($run, $tenant, $endpoint, $calls, $throttles)
            ON CONFLICT (run_id, tenant_id, endpoint) DO UPDATE SET
                calls = endpoints.calls + excluded.calls,
                throttles = endpoints.throttles + excluded.throttles
            """;
        AddKey(command, runId, tenantId, endpoint);
        command.Parameters.AddWithValue("$calls", calls);
        command.Parameters.AddWithValue("$throttles", throttles);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<PageRecord>> GetPagesAsync(string runId, string tenantId, string endpoint, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await ReadPagesAsync(connection, null, runId, tenantId, endpoint, null, cancellationToken);
    }

    public async Task<EndpointProgress> GetProgressAsync(string runId, string tenantId, string endpoint, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await ReadProgressAsync(connection, null, runId, tenantId, endpoint, cancellationToken);
    }

    public async Task<IReadOnlyList<EndpointProgress>> GetRunProgressAsync(string runId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);

        // One snapshot of the whole run.
        await using var transaction = connection.BeginTransaction(deferred: true);
        var keys = new List<(string Tenant, string Endpoint)>();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                SELECT tenant_id, endpoint FROM endpoints WHERE run_id = $run
                UNION SELECT tenant_id, endpoint FROM pages WHERE run_id = $run
                ORDER BY 1, 2
                """;
            command.Parameters.AddWithValue("$run", runId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                keys.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var progress = new List<EndpointProgress>(keys.Count);
        foreach (var (tenant, endpoint) in keys)
        {
            progress.Add(await ReadProgressAsync(connection, transaction, runId, tenant, endpoint, cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return progress;
    }

    public async Task<ManifestClaim?> TryClaimManifestAsync(string runId, string tenantId, string endpoint, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = SqliteStateDatabase.BeginImmediate(connection);
        var progress = await ReadProgressAsync(connection, transaction, runId, tenantId, endpoint, cancellationToken);
        if (!progress.IsComplete)
        {
            return null;
        }

        int unlisted;
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"SELECT count(*) FROM pages WHERE {EndpointKey} AND status = '{Done}' AND manifest_sequence IS NULL";
            AddKey(command, runId, tenantId, endpoint);
            unlisted = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }

        if (unlisted == 0 && progress.ManifestsWritten > 0)
        {
            return null;
        }

        int sequence;
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"SELECT coalesce(max(sequence) + 1, 0) FROM manifests WHERE {EndpointKey}";
            AddKey(command, runId, tenantId, endpoint);
            sequence = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }

        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"""
                UPDATE pages SET manifest_sequence = $sequence WHERE {EndpointKey} AND status = '{Done}' AND manifest_sequence IS NULL;
                INSERT INTO manifests (run_id, tenant_id, endpoint, sequence, written_at) VALUES ($run, $tenant, $endpoint, $sequence, $now);
                """;
            AddKey(command, runId, tenantId, endpoint);
            command.Parameters.AddWithValue("$sequence", sequence);
            command.Parameters.AddWithValue("$now", SqliteStateDatabase.FormatTime(_time.GetUtcNow()));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var pages = await ReadPagesAsync(
            connection,
            transaction,
            runId,
            tenantId,
            endpoint,
            $"AND ((status = '{Done}' AND manifest_sequence = $sequence) OR status IN ('{PageStatus.Failed}', '{PageStatus.Deferred}', '{PageStatus.NotEntitled}'))",
            cancellationToken,
            ("$sequence", sequence));
        await transaction.CommitAsync(cancellationToken);
        return new ManifestClaim(sequence, pages);
    }

    public async Task MarkManifestLoadedAsync(string runId, string tenantId, string endpoint, int sequence, long rows, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();

        // A loaded manifest was necessarily written; the first load recorded wins.
        command.CommandText = """
            INSERT INTO manifests (run_id, tenant_id, endpoint, sequence, written_at, loaded_rows, loaded_at)
            VALUES ($run, $tenant, $endpoint, $sequence, $now, $rows, $now)
            ON CONFLICT (run_id, tenant_id, endpoint, sequence) DO UPDATE SET
                loaded_rows = excluded.loaded_rows,
                loaded_at = excluded.loaded_at
            WHERE manifests.loaded_at IS NULL
            """;
        AddKey(command, runId, tenantId, endpoint);
        command.Parameters.AddWithValue("$sequence", sequence);
        command.Parameters.AddWithValue("$rows", rows);
        command.Parameters.AddWithValue("$now", SqliteStateDatabase.FormatTime(_time.GetUtcNow()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<EndpointProgress> ReadProgressAsync(SqliteConnection connection, SqliteTransaction? transaction, string runId, string tenantId, string endpoint, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            SELECT last_page, calls, throttles FROM endpoints WHERE {EndpointKey};
            SELECT status, count(*), coalesce(sum(records), 0) FROM pages WHERE {EndpointKey} GROUP BY status;
            SELECT count(*), count(loaded_at) FROM manifests WHERE {EndpointKey};
            """;
        AddKey(command, runId, tenantId, endpoint);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        int? lastPage = null;
        int calls = 0, throttles = 0;
        if (await reader.ReadAsync(cancellationToken))
        {
            lastPage = reader.IsDBNull(0) ? null : reader.GetInt32(0);
            calls = reader.GetInt32(1);
            throttles = reader.GetInt32(2);
        }

        await reader.NextResultAsync(cancellationToken);
        var counts = new Dictionary<PageStatus, int>();
        long records = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            var status = Enum.Parse<PageStatus>(reader.GetString(0));
            counts[status] = reader.GetInt32(1);
            if (status == PageStatus.Done)
            {
                records = reader.GetInt64(2);
            }
        }

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new EndpointProgress(
            runId,
            tenantId,
            endpoint,
            lastPage,
            Done: counts.GetValueOrDefault(PageStatus.Done),
            Failed: counts.GetValueOrDefault(PageStatus.Failed),
            Deferred: counts.GetValueOrDefault(PageStatus.Deferred),
            NotEntitled: counts.GetValueOrDefault(PageStatus.NotEntitled),
            Pending: counts.GetValueOrDefault(PageStatus.Pending),
            Records: records,
            Calls: calls,
            Throttles: throttles,
            ManifestsWritten: reader.GetInt32(0),
            ManifestsLoaded: reader.GetInt32(1));
    }

    private static async Task<IReadOnlyList<PageRecord>> ReadPagesAsync(
        SqliteConnection connection,
        SqliteTransaction? transaction,
        string runId,
        string tenantId,
        string endpoint,
        string? filter,
        CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {PageColumns} FROM pages WHERE {EndpointKey} {filter} ORDER BY page";
        AddKey(command, runId, tenantId, endpoint);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var pages = new List<PageRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            pages.Add(new PageRecord(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetInt32(3),
                Enum.Parse<PageStatus>(reader.GetString(4)),
                reader.GetInt32(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetInt64(7),
                reader.IsDBNull(8) ? null : reader.GetInt64(8),
                reader.GetInt64(9) != 0,
                reader.IsDBNull(10) ? null : reader.GetString(10),
                reader.IsDBNull(11) ? null : reader.GetInt32(11),
                reader.IsDBNull(12) ? null : SqliteStateDatabase.ParseTime(reader.GetString(12))));
        }

        return pages;
    }

    private static async Task EnsureEndpointAsync(SqliteConnection connection, SqliteTransaction transaction, string runId, string tenantId, string endpoint, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO endpoints (run_id, tenant_id, endpoint) VALUES ($run, $tenant, $endpoint) ON CONFLICT DO NOTHING";
        AddKey(command, runId, tenantId, endpoint);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<int?> GetLastPageAsync(SqliteConnection connection, SqliteTransaction transaction, string runId, string tenantId, string endpoint, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT last_page FROM endpoints WHERE {EndpointKey}";
        AddKey(command, runId, tenantId, endpoint);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? null : Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void AddKey(SqliteCommand command, string runId, string tenantId, string endpoint)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(endpoint);
        command.Parameters.AddWithValue("$run", runId);
        command.Parameters.AddWithValue("$tenant", tenantId);
        command.Parameters.AddWithValue("$endpoint", endpoint);
    }

    private static RunInfo ReadRun(SqliteDataReader reader) => new(
        reader.GetString(0),
        SqliteStateDatabase.ParseTime(reader.GetString(1)),
        JsonSerializer.Deserialize(reader.GetString(2), LedgerJsonContext.Default.IReadOnlyListString) ?? [],
        JsonSerializer.Deserialize(reader.GetString(3), LedgerJsonContext.Default.IReadOnlyListString) ?? [],
        reader.GetInt64(4) != 0);
}
