using System.Buffers;
using System.Data.Common;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging;
using XeroSync.Storage;
using XeroSync.TieOut;
using XeroSync.Warehouse.Typed;
using XeroSync.Xero;

namespace XeroSync.Warehouse.Local;

/// <summary>
/// The local shape's warehouse: a DuckDB file with raw tables (<c>xero_raw.{table}</c>) and latest views
/// (<c>xero.{table}</c>), and typed views (<c>xero_typed.{view}</c>, from <see cref="TypedViewCatalog"/>).
/// A load commits one page object at a time (each row tagged with its job in <c>load_id</c>, each object recorded in
/// <c>xero_raw._load_pieces</c> in the same transaction), so no transaction grows with the endpoint, and then commits
/// the job's <c>xero_raw._loads</c> row: the latest views read only rows whose job is there, so a job's rows appear all
/// at once. A load that stops between objects resumes after the last committed one.
/// DuckDB allows one writer process and no readers beside it, so this class opens the file for each operation and
/// closes it after (a query in another process runs between loads) and serialises its operations.
/// </summary>
public sealed partial class DuckDbWarehouse : IWarehouse, IJournalTotalsSource, ITieOutStore, IDisposable, IAsyncDisposable
{
    private static readonly byte[] TenantId = "tenant_id"u8.ToArray();
    private static readonly byte[] RecordId = "record_id"u8.ToArray();
    private static readonly byte[] UpdatedAt = "updated_at"u8.ToArray();
    private static readonly byte[] RunId = "run_id"u8.ToArray();
    private static readonly byte[] PageNumber = "page"u8.ToArray();
    private static readonly byte[] FetchedAt = "fetched_at"u8.ToArray();
    private static readonly byte[] Payload = "payload"u8.ToArray();
    private static readonly byte[] DeletedAt = "deleted_at"u8.ToArray();

    private const int ReadBufferSize = 64 * 1024;

    /// <summary>How long an operation waits for a reader (a <c>query</c>) to let go of the file before it fails and is retried by its queue.</summary>
    private static readonly TimeSpan LockWait = TimeSpan.FromMinutes(2);

    private readonly string _databasePath;
    private readonly IObjectStore _objects;
    private readonly TimeProvider _time;
    private readonly ILogger<DuckDbWarehouse> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _disposed;

    /// <param name="databasePath">The DuckDB file; created when missing.</param>
    /// <param name="objects">Where the jobs' gzip NDJSON objects are read from.</param>
    public DuckDbWarehouse(string databasePath, IObjectStore objects, TimeProvider time, ILogger<DuckDbWarehouse> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _databasePath = Path.GetFullPath(databasePath);
        _objects = objects;
        _time = time;
        _logger = logger;
    }

    public async Task EnsureTablesAsync(IReadOnlyCollection<XeroEndpoint> endpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            var sql = new StringBuilder(LoadsTableSql());
            foreach (var endpoint in endpoints)
            {
                var table = RequireTableName(endpoint);
                sql.Append(TableSql(table)).Append(TypedViewsSql(table));
            }

            await using var command = connection.CreateCommand();
            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<long> LoadAsync(LoadJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentException.ThrowIfNullOrWhiteSpace(job.JobId);
        var table = RequireTableName(job.Endpoint);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenEnsuringAsync(TableSql(table), cancellationToken);

            if (await GetLoadedRowsAsync(connection, job.JobId, cancellationToken) is long earlier)
            {
                LogAlreadyLoaded(job.JobId, earlier);
                return earlier;
            }

            var started = _time.GetTimestamp();
            long rows;
            try
            {
                rows = await LoadPiecesAsync(connection, table, job, cancellationToken);
                if (rows != job.ExpectedRows)
                {
                    throw new InvalidOperationException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"Load job '{job.JobId}' into xero_raw.{table} read {rows} rows from {job.ObjectNames.Count} objects but the manifest expects {job.ExpectedRows}; nothing was loaded."));
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A job that cannot load as it is (a bad object, a wrong count) keeps none of its pieces: a retry
                // starts again. A stop (cancellation, a crash) keeps them, and the next attempt resumes after them.
                await DiscardPiecesAsync(connection, table, job.JobId, CancellationToken.None);
                throw;
            }

            await PublishAsync(connection, table, job.JobId, rows, cancellationToken);
            var elapsedMs = (long)_time.GetElapsedTime(started).TotalMilliseconds;
            LogLoaded(job.JobId, rows, table, job.ObjectNames.Count, elapsedMs);
            return rows;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<long> LoadUsageAsync(UsageLoad load, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(load);
        ArgumentException.ThrowIfNullOrWhiteSpace(load.JobId);
        var rows = new List<(string RunId, string TenantId, DateOnly Day, long Calls, long Received, long Decoded, DateTimeOffset RecordedAt)>();
        await using (var stream = await _objects.OpenReadAsync(load.ObjectName, cancellationToken) ?? throw new InvalidDataException($"Usage object {load.ObjectName} does not exist."))
        using (var reader = new StreamReader(stream, Encoding.UTF8))
        {
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                using var json = JsonDocument.Parse(line);
                var row = json.RootElement;
                var runId = row.GetProperty("run_id").GetString()!;
                var tenantId = row.GetProperty("tenant_id").GetString()!;
                if (!Identifiers.IsValidRunId(runId) || !Identifiers.IsValidTenantId(tenantId))
                {
                    throw new InvalidDataException($"Usage object {load.ObjectName} names an invalid run or tenant.");
                }

                rows.Add((runId, tenantId, DateOnly.ParseExact(row.GetProperty("day").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                    row.GetProperty("calls").GetInt64(), row.GetProperty("bytes_received").GetInt64(), row.GetProperty("bytes_decoded").GetInt64(),
                    row.GetProperty("recorded_at").GetDateTimeOffset()));
            }
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenEnsuringAsync(UsageTableSql, cancellationToken);

            if (await GetLoadedRowsAsync(connection, load.JobId, cancellationToken) is long earlier)
            {
                return earlier;
            }

            // The rows and the job's _loads row in one transaction: loaded once, all at once.
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            foreach (var row in rows)
            {
                await using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO xero_raw.api_usage VALUES ($run, $tenant, CAST($day AS DATE), $calls, $received, $decoded, CAST($at AS TIMESTAMPTZ))";
                insert.Parameters.Add(new DuckDBParameter("run", row.RunId));
                insert.Parameters.Add(new DuckDBParameter("tenant", row.TenantId));
                insert.Parameters.Add(new DuckDBParameter("day", row.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
                insert.Parameters.Add(new DuckDBParameter("calls", row.Calls));
                insert.Parameters.Add(new DuckDBParameter("received", row.Received));
                insert.Parameters.Add(new DuckDBParameter("decoded", row.Decoded));
                insert.Parameters.Add(new DuckDBParameter("at", row.RecordedAt.ToString("O", CultureInfo.InvariantCulture)));
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO xero_raw._loads (job_id, table_name, rows, loaded_at) VALUES ($job, 'api_usage', $rows, CAST($at AS TIMESTAMPTZ))";
                record.Parameters.Add(new DuckDBParameter("job", load.JobId));
                record.Parameters.Add(new DuckDBParameter("rows", (long)rows.Count));
                record.Parameters.Add(new DuckDBParameter("at", _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)));
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return rows.Count;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Xero usage: <c>xero_raw.api_usage</c> holds each run's record per organisation and UTC day (a run recorded again after a
    /// retry adds a later record); <c>xero.api_usage</c> sums each run's latest record per organisation and day.
    /// </summary>
    private const string UsageTableSql = """
        CREATE TABLE IF NOT EXISTS xero_raw.api_usage (run_id VARCHAR NOT NULL, tenant_id VARCHAR NOT NULL, day DATE NOT NULL, calls BIGINT NOT NULL, bytes_received BIGINT NOT NULL, bytes_decoded BIGINT NOT NULL, recorded_at TIMESTAMPTZ NOT NULL);
        CREATE OR REPLACE VIEW xero.api_usage AS
        SELECT tenant_id, day, CAST(sum(calls) AS BIGINT) AS calls, CAST(sum(bytes_received) AS BIGINT) AS bytes_received, CAST(sum(bytes_decoded) AS BIGINT) AS bytes_decoded, count(*) AS runs
        FROM (SELECT *, row_number() OVER (PARTITION BY run_id, tenant_id, day ORDER BY recorded_at DESC) AS rn FROM xero_raw.api_usage)
        WHERE rn = 1
        GROUP BY tenant_id, day;

        """;

    public async Task<IReadOnlyList<string>> GetLiveIdsAsync(string tenantId, XeroEndpoint endpoint, DateTimeOffset fetchedBefore, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await QueryLiveAsync("record_id", "ORDER BY record_id", tenantId, endpoint, fetchedBefore, reader => ids.Add(reader.GetString(0)), cancellationToken);
        return ids;
    }

    public async Task<int> CountLiveRecordsAsync(string tenantId, XeroEndpoint endpoint, DateTimeOffset fetchedBefore, CancellationToken cancellationToken)
    {
        long count = 0;
        await QueryLiveAsync("count(*)", "", tenantId, endpoint, fetchedBefore, reader => count = reader.GetInt64(0), cancellationToken);
        return (int)Math.Min(count, int.MaxValue);
    }

    /// <summary>
    /// Selects <paramref name="select"/> over the tenant's records in the endpoint's latest view that are not marked deleted
    /// and were fetched before <paramref name="fetchedBefore"/>, one <paramref name="read"/> per row.
    /// </summary>
    private Task QueryLiveAsync(string select, string order, string tenantId, XeroEndpoint endpoint, DateTimeOffset fetchedBefore, Action<DbDataReader> read, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var table = RequireTableName(endpoint);
        return QueryAsync(
            TableSql(table),
            $"SELECT {select} FROM xero.{table} WHERE tenant_id = $tenant AND deleted_at IS NULL AND fetched_at < CAST($before AS TIMESTAMPTZ) {order}",
            [("tenant", tenantId), ("before", fetchedBefore.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture))],
            read,
            cancellationToken);
    }

    public async Task<JournalTotals?> GetJournalTotalsAsync(string tenantId, DateOnly date, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        return await WithConnectionAsync(null, async connection =>
        {
            (int Day, int Month)? yearEnd = null;
            await ReadAsync(
                connection,
                "SELECT financial_year_end_day, financial_year_end_month FROM xero_typed.organisation WHERE tenant_id = $tenant AND deleted_at IS NULL LIMIT 1",
                [("tenant", tenantId)],
                reader => yearEnd = reader.IsDBNull(0) || reader.IsDBNull(1)
                    ? null
                    : (Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture)),
                cancellationToken);
            if (yearEnd is not { } end)
            {
                return null;
            }

            var yearStart = FinancialYear.Start(date, end.Day, end.Month);
            string? retainedEarnings = null;
            await ReadAsync(
                connection,
                "SELECT account_id FROM xero_typed.accounts WHERE tenant_id = $tenant AND system_account = 'RETAINEDEARNINGS' AND deleted_at IS NULL ORDER BY account_id LIMIT 1",
                [("tenant", tenantId)],
                reader => retainedEarnings = reader.IsDBNull(0) ? null : reader.GetString(0),
                cancellationToken);

            var accounts = new List<LedgerAccountTotal>();
            await ReadAsync(
                connection,
                """
                SELECT l.account_id, any_value(l.account_code), any_value(l.account_name), any_value(l.account_type),
                       coalesce(sum(l.net_amount) FILTER (WHERE j.journal_date >= CAST($start AS DATE)), 0), coalesce(sum(l.net_amount), 0)
                FROM xero_typed.journal_lines AS l
                JOIN xero_typed.journals AS j ON j.tenant_id = l.tenant_id AND j.journal_id = l.journal_id
                WHERE l.tenant_id = $tenant AND j.journal_date <= CAST($date AS DATE) AND l.account_id IS NOT NULL
                GROUP BY l.account_id ORDER BY l.account_id
                """,
                [("tenant", tenantId), ("start", Day(yearStart)), ("date", Day(date))],
                reader => accounts.Add(new LedgerAccountTotal(
                    reader.GetString(0),
                    reader.IsDBNull(1) ? string.Empty : reader.GetString(1),
                    reader.IsDBNull(2) ? string.Empty : reader.GetString(2),
                    reader.IsDBNull(3) ? string.Empty : reader.GetString(3),
                    Convert.ToDecimal(reader.GetValue(4), CultureInfo.InvariantCulture),
                    Convert.ToDecimal(reader.GetValue(5), CultureInfo.InvariantCulture))),
                cancellationToken);
            return new JournalTotals(yearStart, retainedEarnings, accounts);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<TieOutJournal>> GetAccountJournalsAsync(string tenantId, string accountId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(accountId);
        var journals = new List<TieOutJournal>();
        await QueryAsync(
            null,
            """
            SELECT j.journal_id, any_value(j.journal_number), any_value(j.journal_date), sum(l.net_amount)
            FROM xero_typed.journal_lines AS l
            JOIN xero_typed.journals AS j ON j.tenant_id = l.tenant_id AND j.journal_id = l.journal_id
            WHERE l.tenant_id = $tenant AND l.account_id = $account AND j.journal_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
            GROUP BY j.journal_id ORDER BY 3, 2
            """,
            [("tenant", tenantId), ("account", accountId), ("from", Day(from)), ("to", Day(to))],
            reader => journals.Add(new TieOutJournal(
                reader.GetString(0),
                reader.IsDBNull(1) ? 0 : Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture),
                AsDate(reader.GetValue(2)),
                reader.IsDBNull(3) ? 0m : Convert.ToDecimal(reader.GetValue(3), CultureInfo.InvariantCulture))),
            cancellationToken);
        return journals;
    }

    public async Task<IReadOnlyList<long>> GetMissingJournalNumbersAsync(string tenantId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var missing = new List<long>();
        await QueryAsync(
            null,
            """
            WITH held AS (SELECT DISTINCT journal_number AS n FROM xero_typed.journals WHERE tenant_id = $tenant AND journal_number IS NOT NULL)
            SELECT r.n FROM range(1, (SELECT coalesce(max(n), 0) FROM held) + 1) AS r(n)
            WHERE r.n NOT IN (SELECT n FROM held) ORDER BY r.n
            """,
            [("tenant", tenantId)],
            reader => missing.Add(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture)),
            cancellationToken);
        return missing;
    }

    /// <summary>
    /// The latest date before <paramref name="before"/> whose latest kept comparison (a check that compared, not one that
    /// failed or was skipped) found <paramref name="accountId"/> agreeing: an earlier check of the same date that agreed does
    /// not count once a later one of that date found the account differing.
    /// </summary>
    public async Task<DateOnly?> GetLastAgreedDateAsync(string tenantId, XeroReport report, string accountId, DateOnly before, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(accountId);
        DateOnly? agreed = null;
        await QueryAsync(
            TieOutTablesSql,
            """
            WITH latest AS (
                SELECT as_at, checked_at, row_number() OVER (PARTITION BY as_at ORDER BY checked_at DESC) AS rank
                FROM xero_raw.tie_outs
                WHERE tenant_id = $tenant AND report = $report AND as_at < CAST($before AS DATE) AND problem IS NULL AND missing_scope IS NULL)
            SELECT max(t.as_at) FROM latest AS t
            WHERE t.rank = 1
              AND NOT EXISTS (SELECT 1 FROM xero_raw.tie_out_differences AS d
                              WHERE d.tenant_id = $tenant AND d.report = $report AND d.as_at = t.as_at AND d.checked_at = t.checked_at AND d.account_id = $account)
            """,
            [("tenant", tenantId), ("report", report.ToString()), ("account", accountId), ("before", Day(before))],
            reader => agreed = reader.IsDBNull(0) ? null : AsDate(reader.GetValue(0)),
            cancellationToken);
        return agreed;
    }

    /// <summary>
    /// Keeps a tie-out: Xero's report as read in <c>xero_raw.report_snapshots</c>, the result in <c>xero_raw.tie_outs</c> and each
    /// account that differs in <c>xero_raw.tie_out_differences</c> with the warehouse's journals behind it in
    /// <c>xero_raw.tie_out_journals</c>, in one transaction (append-only: a later check adds rows).
    /// </summary>
    public async Task SaveTieOutAsync(TieOutRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var result = record.Result;
        if (!Identifiers.IsValidTenantId(result.TenantId))
        {
            throw new ArgumentException($"'{Identifiers.Printable(result.TenantId)}' is not a Xero tenant id.", nameof(record));
        }

        var report = result.Report.ToString();
        var day = Day(result.Date);
        var at = record.CheckedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
        await WithConnectionAsync(TieOutTablesSql, async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            Task InsertAsync(string sql, params (string Name, object? Value)[] values) => ExecuteAsync(connection, transaction, sql, values, cancellationToken);

            if (record.ReportJson is { } json)
            {
                await InsertAsync(
                    "INSERT INTO xero_raw.report_snapshots VALUES ($tenant, $report, CAST($day AS DATE), CAST($at AS TIMESTAMPTZ), CAST($json AS JSON))",
                    ("tenant", result.TenantId), ("report", report), ("day", day), ("at", at), ("json", Encoding.UTF8.GetString(json)));
            }

            await InsertAsync(
                "INSERT INTO xero_raw.tie_outs (tenant_id, report, as_at, checked_at, accounts, ties, problem, missing_scope, missing_journal_numbers) VALUES ($tenant, $report, CAST($day AS DATE), CAST($at AS TIMESTAMPTZ), $accounts, $ties, $problem, $scope, $missing)",
                ("tenant", result.TenantId), ("report", report), ("day", day), ("at", at), ("accounts", result.Accounts), ("ties", result.Ties),
                ("problem", result.Problem), ("scope", result.MissingScope), ("missing", JournalNumberRanges.Format(result.MissingJournalNumbers)));
            foreach (var difference in result.Differences)
            {
                await InsertAsync(
                    "INSERT INTO xero_raw.tie_out_differences (tenant_id, report, as_at, checked_at, account_id, account, xero, warehouse, difference, journals_from) VALUES ($tenant, $report, CAST($day AS DATE), CAST($at AS TIMESTAMPTZ), $id, $account, $xero, $warehouse, $difference, CAST($from AS DATE))",
                    ("tenant", result.TenantId), ("report", report), ("day", day), ("at", at), ("id", difference.AccountId), ("account", difference.Account),
                    ("xero", difference.Xero), ("warehouse", difference.Warehouse), ("difference", difference.Difference),
                    ("from", difference.JournalsFrom is { } from ? Day(from) : null));
                foreach (var journal in difference.Journals)
                {
                    await InsertAsync(
                        "INSERT INTO xero_raw.tie_out_journals VALUES ($tenant, $report, CAST($day AS DATE), CAST($at AS TIMESTAMPTZ), $id, $journal, $number, CAST($date AS DATE), $amount)",
                        ("tenant", result.TenantId), ("report", report), ("day", day), ("at", at), ("id", difference.AccountId), ("journal", journal.JournalId),
                        ("number", journal.JournalNumber), ("date", Day(journal.Date)), ("amount", journal.Amount));
                }
            }

            await transaction.CommitAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// One query under the gate: opens a connection (ensuring the loads table and the tables <paramref name="tablesSql"/> creates,
    /// when given), runs <paramref name="sql"/> with <paramref name="parameters"/> and calls <paramref name="read"/> once per row.
    /// </summary>
    private async Task QueryAsync(string? tablesSql, string sql, (string Name, object? Value)[] parameters, Action<DbDataReader> read, CancellationToken cancellationToken) =>
        await WithConnectionAsync(tablesSql, async connection =>
        {
            await ReadAsync(connection, sql, parameters, read, cancellationToken);
            return true;
        }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> under the gate on a connection opened for it (ensuring the loads table and the tables
    /// <paramref name="tablesSql"/> creates, when given) and closed after.
    /// </summary>
    private async Task<T> WithConnectionAsync<T>(string? tablesSql, Func<DuckDBConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = tablesSql is null ? await OpenAsync(cancellationToken) : await OpenEnsuringAsync(tablesSql, cancellationToken);
            return await work(connection);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs <paramref name="sql"/> with <paramref name="parameters"/> on <paramref name="connection"/>, one <paramref name="read"/> per row.</summary>
    private static async Task ReadAsync(DuckDBConnection connection, string sql, (string Name, object? Value)[] parameters, Action<DbDataReader> read, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            read(reader);
        }
    }

    /// <summary>Runs the statement <paramref name="sql"/> with <paramref name="parameters"/> in <paramref name="transaction"/>.</summary>
    private static async Task ExecuteAsync(DuckDBConnection connection, DbTransaction transaction, string sql, (string Name, object? Value)[] parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DuckDBCommand Command(DuckDBConnection connection, DbTransaction? transaction, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new DuckDBParameter(name, value));
        }

        return command;
    }

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A DATE as DuckDB.NET reads it (DateOnly, or DateTime from older readers).</summary>
    private static DateOnly AsDate(object value) => value is DateOnly date ? date : DateOnly.FromDateTime(Convert.ToDateTime(value, CultureInfo.InvariantCulture));

    /// <summary>The tie-out's tables (append-only; <c>report</c> is TrialBalance or BalanceSheet, amounts debit positive).</summary>
    private const string TieOutTablesSql = """
        CREATE TABLE IF NOT EXISTS xero_raw.report_snapshots (tenant_id VARCHAR NOT NULL, report VARCHAR NOT NULL, as_at DATE NOT NULL, fetched_at TIMESTAMPTZ NOT NULL, report_json JSON NOT NULL);
        CREATE TABLE IF NOT EXISTS xero_raw.tie_outs (tenant_id VARCHAR NOT NULL, report VARCHAR NOT NULL, as_at DATE NOT NULL, checked_at TIMESTAMPTZ NOT NULL, accounts INTEGER NOT NULL, ties BOOLEAN NOT NULL, problem VARCHAR, missing_scope VARCHAR);
        CREATE TABLE IF NOT EXISTS xero_raw.tie_out_differences (tenant_id VARCHAR NOT NULL, report VARCHAR NOT NULL, as_at DATE NOT NULL, checked_at TIMESTAMPTZ NOT NULL, account_id VARCHAR NOT NULL, account VARCHAR NOT NULL, xero DECIMAL(18,2) NOT NULL, warehouse DECIMAL(18,2) NOT NULL, difference DECIMAL(18,2) NOT NULL);
        ALTER TABLE xero_raw.tie_outs ADD COLUMN IF NOT EXISTS missing_journal_numbers VARCHAR;
        ALTER TABLE xero_raw.tie_out_differences ADD COLUMN IF NOT EXISTS journals_from DATE;
        CREATE TABLE IF NOT EXISTS xero_raw.tie_out_journals (tenant_id VARCHAR NOT NULL, report VARCHAR NOT NULL, as_at DATE NOT NULL, checked_at TIMESTAMPTZ NOT NULL, account_id VARCHAR NOT NULL, journal_id VARCHAR NOT NULL, journal_number BIGINT NOT NULL, journal_date DATE NOT NULL, amount DECIMAL(18,2) NOT NULL);

        """;

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _gate.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Parses one NDJSON line and appends it as a row of load <paramref name="loadId"/>; the payload's UTF-8 bytes go to
    /// DuckDB as they are (no string is made of them).
    /// </summary>
    internal static void AppendLine(DuckDBAppender appender, Span<byte> line, string objectName, int lineNumber, string loadId)
    {
        string? tenantId = null, recordId = null, runId = null;
        var payloadStart = -1;
        var payloadEnd = -1;
        DateTimeOffset? updatedAt = null, fetchedAt = null, deletedAt = null;
        int? page = null;
        try
        {
            var reader = new Utf8JsonReader(line, isFinalBlock: true, state: default);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException("A line must be a JSON object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(Payload))
                {
                    reader.Read();
                    payloadStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    payloadEnd = (int)reader.BytesConsumed;
                    continue;
                }

                var field = reader.ValueTextEquals(TenantId) ? 1
                    : reader.ValueTextEquals(RecordId) ? 2
                    : reader.ValueTextEquals(RunId) ? 3
                    : reader.ValueTextEquals(UpdatedAt) ? 4
                    : reader.ValueTextEquals(FetchedAt) ? 5
                    : reader.ValueTextEquals(PageNumber) ? 6
                    : reader.ValueTextEquals(DeletedAt) ? 7
                    : 0;
                reader.Read();
                if (field == 1)
                {
                    tenantId = reader.GetString();
                }
                else if (field == 2)
                {
                    recordId = reader.GetString();
                }
                else if (field == 3)
                {
                    runId = reader.GetString();
                }
                else if (field == 4)
                {
                    updatedAt = reader.TokenType == JsonTokenType.Null ? null : reader.GetDateTimeOffset();
                }
                else if (field == 5)
                {
                    fetchedAt = reader.GetDateTimeOffset();
                }
                else if (field == 6)
                {
                    page = reader.GetInt32();
                }
                else if (field == 7)
                {
                    deletedAt = reader.TokenType == JsonTokenType.Null ? null : reader.GetDateTimeOffset();
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{objectName} line {lineNumber}: not a valid NDJSON record ({e.Message}).", e);
        }

        if (tenantId is null || recordId is null || runId is null || page is null || fetchedAt is null || payloadStart < 0)
        {
            throw new InvalidDataException($"{objectName} line {lineNumber}: tenant_id, record_id, run_id, page, fetched_at and payload are required.");
        }

        appender.CreateRow()
            .AppendValue(tenantId)
            .AppendValue(recordId)
            .AppendValue(updatedAt)
            .AppendValue(runId)
            .AppendValue(page)
            .AppendValue(fetchedAt)
            .AppendValue(line[payloadStart..payloadEnd])
            .AppendValue(deletedAt)
            .AppendValue(loadId)
            .EndRow();
    }

    private static string RequireTableName(XeroEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return TableNamePattern().IsMatch(endpoint.TableName)
            ? endpoint.TableName
            : throw new ArgumentException($"Table name '{Identifiers.Printable(endpoint.TableName)}' is not a snake_case catalog name.", nameof(endpoint));
    }

    private static string LoadsTableSql() => """
        CREATE SCHEMA IF NOT EXISTS xero_raw;
        CREATE SCHEMA IF NOT EXISTS xero;
        CREATE SCHEMA IF NOT EXISTS xero_typed;
        CREATE TABLE IF NOT EXISTS xero_raw._loads (job_id VARCHAR PRIMARY KEY, table_name VARCHAR, rows BIGINT, loaded_at TIMESTAMPTZ);
        CREATE TABLE IF NOT EXISTS xero_raw._load_pieces (job_id VARCHAR NOT NULL, piece INTEGER NOT NULL, object_name VARCHAR NOT NULL, rows BIGINT NOT NULL, PRIMARY KEY (job_id, piece));

        """;

    /// <summary>
    /// The raw table (append-only; <c>deleted_at</c> is set on a reconcile's tombstone rows only, <c>load_id</c> names the
    /// load job that wrote the row; both added to tables made before them) and the latest view. The view reads only rows
    /// of finished loads (a <c>load_id</c> in <c>_loads</c>; rows from before <c>load_id</c> were loaded whole) and keeps
    /// the newest record row per (tenant, record), with <c>deleted_at</c> from the newest tombstone when no record row was
    /// fetched after it (a record Xero returns again is live again).
    /// </summary>
    private static string TableSql(string table) => $"""
        CREATE TABLE IF NOT EXISTS xero_raw.{table} (
            tenant_id VARCHAR NOT NULL, record_id VARCHAR NOT NULL, updated_at TIMESTAMPTZ, run_id VARCHAR NOT NULL,
            page INTEGER NOT NULL, fetched_at TIMESTAMPTZ NOT NULL, payload JSON NOT NULL, deleted_at TIMESTAMPTZ, load_id VARCHAR);
        ALTER TABLE xero_raw.{table} ADD COLUMN IF NOT EXISTS deleted_at TIMESTAMPTZ;
        ALTER TABLE xero_raw.{table} ADD COLUMN IF NOT EXISTS load_id VARCHAR;
        CREATE OR REPLACE VIEW xero.{table} AS
            WITH loaded AS (
                SELECT * FROM xero_raw.{table}
                WHERE load_id IS NULL OR load_id IN (SELECT job_id FROM xero_raw._loads))
            SELECT r.tenant_id, r.record_id, r.updated_at, r.run_id, r.page, r.fetched_at, r.payload,
                CASE WHEN t.deleted_at > r.last_seen_at THEN t.deleted_at END AS deleted_at
            FROM (
                SELECT tenant_id, record_id, updated_at, run_id, page, fetched_at, payload,
                    max(fetched_at) OVER (PARTITION BY tenant_id, record_id) AS last_seen_at
                FROM loaded
                WHERE deleted_at IS NULL
                QUALIFY row_number() OVER (
                    PARTITION BY tenant_id, record_id
                    ORDER BY updated_at DESC NULLS LAST, fetched_at DESC, run_id DESC, page DESC) = 1) AS r
            LEFT JOIN (
                SELECT tenant_id, record_id, max(deleted_at) AS deleted_at
                FROM loaded
                WHERE deleted_at IS NOT NULL
                GROUP BY tenant_id, record_id) AS t
            ON t.tenant_id = r.tenant_id AND t.record_id = r.record_id;

        """;

    /// <summary>The typed views over one latest view, in the <c>xero_typed</c> schema.</summary>
    internal static string TypedViewsSql(string table)
    {
        var sql = new StringBuilder();
        foreach (var view in TypedViewCatalog.For(table))
        {
            sql.Append(CultureInfo.InvariantCulture, $"CREATE OR REPLACE VIEW {TypedViewCatalog.DefaultSchema}.{view.Name} AS\n")
                .Append(DuckDbTypedDialect.Instance.ViewSql(view, $"xero.{table}"))
                .Append(";\n");
        }

        return sql.ToString();
    }

    private static async Task<long?> GetLoadedRowsAsync(DuckDBConnection connection, string jobId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT rows FROM xero_raw._loads WHERE job_id = $job";
        command.Parameters.Add(new DuckDBParameter("job", jobId));
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? null : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Appends the job's objects that no earlier attempt committed, one transaction per object (DuckDB keeps a
    /// transaction's rows in memory until it commits), each with its <c>_load_pieces</c> row; returns the job's rows.
    /// </summary>
    private async Task<long> LoadPiecesAsync(DuckDBConnection connection, string table, LoadJob job, CancellationToken cancellationToken)
    {
        var committed = new Dictionary<int, (string ObjectName, long Rows)>();
        await using (var pieces = connection.CreateCommand())
        {
            pieces.CommandText = "SELECT piece, object_name, rows FROM xero_raw._load_pieces WHERE job_id = $job";
            pieces.Parameters.Add(new DuckDBParameter("job", job.JobId));
            await using var reader = await pieces.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                committed[reader.GetInt32(0)] = (reader.GetString(1), reader.GetInt64(2));
            }
        }

        long rows = 0;
        for (var piece = 0; piece < job.ObjectNames.Count; piece++)
        {
            var objectName = job.ObjectNames[piece];
            if (committed.TryGetValue(piece, out var earlier))
            {
                if (!string.Equals(earlier.ObjectName, objectName, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"Load job '{job.JobId}' lists '{objectName}' as object {piece + 1}, but an earlier attempt loaded '{earlier.ObjectName}' there.");
                }

                rows += earlier.Rows;
                continue;
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            long appended;
            using (var appender = connection.CreateAppender("xero_raw", table))
            {
                appended = await AppendObjectAsync(appender, objectName, job.JobId, cancellationToken);
            }

            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO xero_raw._load_pieces (job_id, piece, object_name, rows) VALUES ($job, $piece, $object, $rows)";
                record.Parameters.Add(new DuckDBParameter("job", job.JobId));
                record.Parameters.Add(new DuckDBParameter("piece", piece));
                record.Parameters.Add(new DuckDBParameter("object", objectName));
                record.Parameters.Add(new DuckDBParameter("rows", appended));
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            rows += appended;
        }

        return rows;
    }

    /// <summary>The job's <c>_loads</c> row: from this commit on, the latest views read the job's rows.</summary>
    private async Task PublishAsync(DuckDBConnection connection, string table, string jobId, long rows, CancellationToken cancellationToken)
    {
        await using var record = connection.CreateCommand();
        record.CommandText = "INSERT INTO xero_raw._loads (job_id, table_name, rows, loaded_at) VALUES ($job, $table, $rows, CAST($at AS TIMESTAMPTZ))";
        record.Parameters.Add(new DuckDBParameter("job", jobId));
        record.Parameters.Add(new DuckDBParameter("table", table));
        record.Parameters.Add(new DuckDBParameter("rows", rows));
        record.Parameters.Add(new DuckDBParameter("at", _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)));
        await record.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Removes what attempts of an unfinished job committed (its rows are not visible: it has no <c>_loads</c> row).</summary>
    private static async Task DiscardPiecesAsync(DuckDBConnection connection, string table, string jobId, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var discard = connection.CreateCommand())
        {
            discard.Transaction = transaction;
            discard.CommandText = $"DELETE FROM xero_raw.{table} WHERE load_id = $job; DELETE FROM xero_raw._load_pieces WHERE job_id = $job;";
            discard.Parameters.Add(new DuckDBParameter("job", jobId));
            await discard.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Streams the gzip object's lines into the appender through one pooled buffer (grown only for a longer line).</summary>
    private async Task<long> AppendObjectAsync(DuckDBAppender appender, string objectName, string loadId, CancellationToken cancellationToken)
    {
        var stream = await _objects.OpenReadAsync(objectName, cancellationToken)
            ?? throw new FileNotFoundException($"Load object '{objectName}' does not exist.", objectName);
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
        try
        {
            await using (stream.ConfigureAwait(false))
            {
                await using var gzip = new GZipStream(stream, CompressionMode.Decompress);
                var lines = new NdjsonLineCursor(objectName, loadId);
                var end = 0;
                while (true)
                {
                    if (end == buffer.Length)
                    {
                        // One line fills the buffer: grow it (a record is at most a few hundred kB).
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, end).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    var read = await gzip.ReadAsync(buffer.AsMemory(end), cancellationToken);
                    if (read == 0)
                    {
                        lines.AppendLast(appender, buffer.AsSpan(0, end));
                        return lines.Rows;
                    }

                    end += read;
                    var consumed = lines.AppendComplete(appender, buffer.AsSpan(0, end));
                    buffer.AsSpan(consumed, end - consumed).CopyTo(buffer);
                    end -= consumed;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Opens a connection with the loads table and the tables <paramref name="tablesSql"/> creates (if absent).</summary>
    private async Task<DuckDBConnection> OpenEnsuringAsync(string tablesSql, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        try
        {
            await using var ensure = connection.CreateCommand();
            ensure.CommandText = LoadsTableSql() + tablesSql;
            await ensure.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private Task<DuckDBConnection> OpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return DuckDbSession.OpenWritableAsync(_databasePath, _time, LockWait, cancellationToken);
    }

    [GeneratedRegex(@"^[a-z_]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex TableNamePattern();

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Loaded {Rows} rows into xero_raw.{Table} from {Objects} objects (job {JobId}) in {ElapsedMs} ms")]
    private partial void LogLoaded(string jobId, long rows, string table, int objects, long elapsedMs);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Load job {JobId} was already loaded ({Rows} rows); skipped")]
    private partial void LogAlreadyLoaded(string jobId, long rows);
}
