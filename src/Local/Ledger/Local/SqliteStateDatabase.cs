using System.Globalization;
using Microsoft.Data.Sqlite;

namespace XeroSync.Ledger.Local;

/// <summary>
/// The local shape's embedded state store: one SQLite file (WAL, 30 s busy timeout) holding the run
/// ledger, watermarks, webhook freshness and leases. Safe for many threads and for several processes on the same file:
/// every operation opens its own (pooled) connection and read-modify-writes run in <c>BEGIN IMMEDIATE</c>.
/// </summary>
public sealed class SqliteStateDatabase
{
    /// <summary>The file name used under a data folder.</summary>
    public const string FileName = "state.db";

    private const int BusyTimeoutSeconds = 30;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS ledger_runs (
            run_id TEXT PRIMARY KEY,
            started_at TEXT NOT NULL,
            tenants TEXT NOT NULL,
            endpoints TEXT NOT NULL,
            full INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS ledger_runs_started_at ON ledger_runs (started_at);
        CREATE TABLE IF NOT EXISTS ledger_endpoints (
            run_id TEXT NOT NULL,
            tenant_id TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            last_page INTEGER,
            calls INTEGER NOT NULL DEFAULT 0,
            throttles INTEGER NOT NULL DEFAULT 0,
            watermark_advanced INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (run_id, tenant_id, endpoint));
        CREATE TABLE IF NOT EXISTS ledger_pages (
            run_id TEXT NOT NULL,
            tenant_id TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            page INTEGER NOT NULL,
            status TEXT NOT NULL,
            records INTEGER NOT NULL DEFAULT 0,
            object_name TEXT,
            page_offset INTEGER,
            next_offset INTEGER,
            is_last INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            manifest_sequence INTEGER,
            updated_at TEXT,
            lease_owner TEXT,
            lease_expires TEXT,
            PRIMARY KEY (run_id, tenant_id, endpoint, page));
        CREATE TABLE IF NOT EXISTS ledger_manifests (
            run_id TEXT NOT NULL,
            tenant_id TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            state TEXT NOT NULL,
            claimed_at TEXT NOT NULL,
            records INTEGER NOT NULL,
            loaded_rows INTEGER,
            error TEXT,
            PRIMARY KEY (run_id, tenant_id, endpoint, sequence));
        CREATE TABLE IF NOT EXISTS ledger_verification (
            run_id TEXT NOT NULL,
            tenant_id TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            pass INTEGER NOT NULL DEFAULT 0,
            pass_first_page INTEGER NOT NULL DEFAULT 1,
            required INTEGER NOT NULL DEFAULT 0,
            outcome TEXT NOT NULL DEFAULT 'Pending',
            note TEXT,
            reread_calls INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (run_id, tenant_id, endpoint));
        CREATE TABLE IF NOT EXISTS ledger_page_ids (
            run_id TEXT NOT NULL,
            tenant_id TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            page INTEGER NOT NULL,
            item_count INTEGER,
            ids TEXT NOT NULL,
            PRIMARY KEY (run_id, tenant_id, endpoint, page));
        CREATE TABLE IF NOT EXISTS ledger_reconcile (
            run_id TEXT PRIMARY KEY,
            plan TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS ledger_targeted (
            run_id TEXT PRIMARY KEY);
        CREATE TABLE IF NOT EXISTS ledger_tenant_plans (
            run_id TEXT NOT NULL,
            tenant_id TEXT NOT NULL,
            plan TEXT NOT NULL,
            PRIMARY KEY (run_id, tenant_id));
        CREATE TABLE IF NOT EXISTS ledger_call_budgets (
            run_id TEXT NOT NULL,
            tenant_id TEXT NOT NULL,
            reserved INTEGER NOT NULL,
            PRIMARY KEY (run_id, tenant_id));
        CREATE TABLE IF NOT EXISTS ledger_sweeps (
            run_id TEXT NOT NULL,
            tenant_id TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            swept INTEGER NOT NULL,
            deletes INTEGER NOT NULL,
            PRIMARY KEY (run_id, tenant_id, endpoint));
        CREATE TABLE IF NOT EXISTS ledger_usage (
            run_id TEXT NOT NULL,
            tenant_id TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            day TEXT NOT NULL,
            calls INTEGER NOT NULL,
            bytes_received INTEGER NOT NULL,
            bytes_decoded INTEGER NOT NULL,
            PRIMARY KEY (run_id, tenant_id, endpoint, day));
        CREATE TABLE IF NOT EXISTS watermarks (
            tenant_id TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            modified_since TEXT,
            journal_offset INTEGER,
            PRIMARY KEY (tenant_id, endpoint));
        CREATE TABLE IF NOT EXISTS freshness_batches (
            run_id TEXT NOT NULL,
            tenant_id TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            changes INTEGER NOT NULL,
            earliest_event TEXT NOT NULL,
            latest_event TEXT NOT NULL,
            landed_at TEXT,
            PRIMARY KEY (run_id, tenant_id, endpoint));
        CREATE TABLE IF NOT EXISTS freshness (
            tenant_id TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            last_seen TEXT,
            last_landed TEXT,
            last_change_landed TEXT,
            latency_ms INTEGER,
            last_run_id TEXT,
            PRIMARY KEY (tenant_id, endpoint));
        CREATE TABLE IF NOT EXISTS webhook_sequence (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            highest INTEGER);
        CREATE TABLE IF NOT EXISTS webhook_holes (
            from_sequence INTEGER NOT NULL,
            to_sequence INTEGER NOT NULL,
            opened_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS webhook_activity (
            tenant_id TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            last_event TEXT NOT NULL,
            gaps INTEGER NOT NULL,
            usual_gap_ms INTEGER NOT NULL,
            triggered INTEGER NOT NULL,
            PRIMARY KEY (tenant_id, endpoint));
        CREATE TABLE IF NOT EXISTS webhook_sent (
            tenant_id TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            record_id TEXT NOT NULL,
            sent_up_to TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            PRIMARY KEY (tenant_id, endpoint, record_id));
        CREATE TABLE IF NOT EXISTS leases (
            name TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            expires_at TEXT NOT NULL);
        """;

    private readonly string _connectionString;
    private readonly Lock _initLock = new();
    private volatile bool _initialized;

    /// <param name="databasePath">The SQLite file (e.g. <c>{dataDir}/state.db</c>); created with its schema on first open.</param>
    public SqliteStateDatabase(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        DatabasePath = Path.GetFullPath(databasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = BusyTimeoutSeconds,
        }.ToString();
    }

    public string DatabasePath { get; }

    /// <summary>The state database of a data folder: <c>{dataFolder}/state.db</c>.</summary>
    public static SqliteStateDatabase InFolder(string dataFolder)
    {
        Directory.CreateDirectory(dataFolder);
        return new SqliteStateDatabase(Path.Combine(dataFolder, FileName));
    }

    /// <summary>Opens a connection with the busy timeout set, creating the schema on first use.</summary>
    internal async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            Initialize();
        }

        return await OpenRawAsync(cancellationToken);
    }

    /// <summary>Begins a write transaction up front (<c>BEGIN IMMEDIATE</c>), so read-modify-writes never deadlock on upgrade.</summary>
    internal static SqliteTransaction BeginImmediate(SqliteConnection connection) => connection.BeginTransaction(deferred: false);

    internal static string FormatTime(DateTimeOffset value) => value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    internal static DateTimeOffset ParseTime(string value) =>
        DateTimeOffset.ParseExact(value, "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind).ToUniversalTime();

    private async Task<SqliteConnection> OpenRawAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            using var command = connection.CreateCommand();
            command.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {BusyTimeoutSeconds * 1000}; PRAGMA synchronous = NORMAL;");
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private void Initialize()
    {
        lock (_initLock)
        {
            if (_initialized)
            {
                return;
            }

            var folder = Path.GetDirectoryName(DatabasePath);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            using (var pragmas = connection.CreateCommand())
            {
                pragmas.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {BusyTimeoutSeconds * 1000}; PRAGMA journal_mode = WAL;");
                pragmas.ExecuteNonQuery();
            }

            using var transaction = BeginImmediate(connection);
            using (var schema = connection.CreateCommand())
            {
                schema.Transaction = transaction;
                schema.CommandText = Schema;
                schema.ExecuteNonQuery();
            }

            transaction.Commit();
            _initialized = true;
        }
    }
}
