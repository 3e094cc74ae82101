using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using XeroSync.Google.BigQuery;
using XeroSync.Warehouse.Typed;
using XeroSync.Xero;

namespace XeroSync.Warehouse.BigQuery;

/// <summary>
/// The cloud shape's warehouse: raw tables <c>xero_raw.{table}</c> (partitioned by <c>fetched_at</c> day, clustered by
/// <c>tenant_id, record_id</c>) loaded by BigQuery load jobs straight from the page objects in Cloud Storage, and
/// latest views <c>xero.{table}</c>, and typed views <c>xero_typed.{view}</c> over them. A job id is deterministic, so a repeated load finds the existing job (409) and
/// returns its row count instead of appending twice.
/// </summary>
public sealed partial class BigQueryWarehouse : IWarehouse
{
    /// <summary>The raw table's columns, in NDJSON line order.</summary>
    public static readonly IReadOnlyList<BigQueryField> RawSchema =
    [
        new("tenant_id", "STRING", "REQUIRED"),
        new("record_id", "STRING", "REQUIRED"),
        new("updated_at", "TIMESTAMP", "NULLABLE"),
        new("run_id", "STRING", "REQUIRED"),
        new("page", "INT64", "REQUIRED"),
        new("fetched_at", "TIMESTAMP", "REQUIRED"),
        new("payload", "JSON", "REQUIRED"),
        new("deleted_at", "TIMESTAMP", "NULLABLE"),
    ];

    /// <summary>The usage table's columns (<c>xero_raw.api_usage</c>), in NDJSON line order.</summary>
    public static readonly IReadOnlyList<BigQueryField> UsageSchema =
    [
        new("run_id", "STRING", "REQUIRED"),
        new("tenant_id", "STRING", "REQUIRED"),
        new("day", "DATE", "REQUIRED"),
        new("calls", "INT64", "REQUIRED"),
        new("bytes_received", "INT64", "REQUIRED"),
        new("bytes_decoded", "INT64", "REQUIRED"),
        new("recorded_at", "TIMESTAMP", "REQUIRED"),
    ];

    public const string UsageTable = "api_usage";

    private const string PartitionField = "fetched_at";
    private static readonly string[] ClusteringFields = ["tenant_id", "record_id"];

    private readonly BigQueryClient _client;
    private readonly BigQueryWarehouseOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<BigQueryWarehouse> _logger;
    private readonly ConcurrentDictionary<string, bool> _ensuredTables = new(StringComparer.Ordinal);
    private volatile bool _datasetsEnsured;
    private volatile bool _usageEnsured;

    public BigQueryWarehouse(BigQueryClient client, BigQueryWarehouseOptions options, TimeProvider time, ILogger<BigQueryWarehouse> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ProjectId);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Bucket);
        RequireIdentifier(options.RawDataset, nameof(options));
        RequireIdentifier(options.ViewsDataset, nameof(options));
        RequireIdentifier(options.TypedDataset, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.SourceUrisPerJob);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.SourceUrisPerJob, BigQueryWarehouseOptions.MaxSourceUrisPerJob);
        _client = client;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// The latest view's query over <c>`{project}.{rawDataset}.{table}`</c>: the newest record row per (tenant, record), and
    /// <c>deleted_at</c> from the newest reconcile tombstone when no record row was fetched after it (the same rule as DuckDB's).
    /// BigQuery sorts NULLs last under DESC by default, so <c>updated_at DESC</c> is DuckDB's <c>DESC NULLS LAST</c> (written
    /// without it: the BigQuery-dialect parser that checks this SQL does not take NULLS LAST in a window).
    /// </summary>
    public static string LatestViewSql(string projectId, string rawDataset, string table) => string.Create(
        CultureInfo.InvariantCulture,
        $"SELECT r.tenant_id AS tenant_id, r.record_id AS record_id, r.updated_at AS updated_at, r.run_id AS run_id, r.page AS page, r.fetched_at AS fetched_at, r.payload AS payload, IF(t.deleted_at > r.last_seen_at, t.deleted_at, NULL) AS deleted_at "
        + $"FROM (SELECT * EXCEPT(rn) FROM (SELECT tenant_id, record_id, updated_at, run_id, page, fetched_at, payload, "
        + $"MAX(fetched_at) OVER (PARTITION BY tenant_id, record_id) AS last_seen_at, "
        + $"ROW_NUMBER() OVER (PARTITION BY tenant_id, record_id ORDER BY updated_at DESC, fetched_at DESC, run_id DESC, page DESC) AS rn "
        + $"FROM `{projectId}.{rawDataset}.{table}` WHERE deleted_at IS NULL) WHERE rn = 1) AS r "
        + $"LEFT JOIN (SELECT tenant_id, record_id, MAX(deleted_at) AS deleted_at FROM `{projectId}.{rawDataset}.{table}` WHERE deleted_at IS NOT NULL GROUP BY tenant_id, record_id) AS t "
        + $"ON t.tenant_id = r.tenant_id AND t.record_id = r.record_id");

    /// <summary>
    /// The usage view <c>xero.api_usage</c>: per organisation and UTC day, each run's latest record summed (a run recorded
    /// again after a retry has a later record that replaces its earlier one).
    /// </summary>
    public static string UsageViewSql(string projectId, string rawDataset) => string.Create(
        CultureInfo.InvariantCulture,
        $"SELECT tenant_id, day, SUM(calls) AS calls, SUM(bytes_received) AS bytes_received, SUM(bytes_decoded) AS bytes_decoded, COUNT(*) AS runs "
        + $"FROM (SELECT run_id, tenant_id, day, calls, bytes_received, bytes_decoded, ROW_NUMBER() OVER (PARTITION BY run_id, tenant_id, day ORDER BY recorded_at DESC) AS rn "
        + $"FROM `{projectId}.{rawDataset}.{UsageTable}`) WHERE rn = 1 GROUP BY tenant_id, day");

    /// <summary>The query <see cref="GetLiveIdsAsync"/> runs (parameters <c>@tenant</c>, <c>@before</c>).</summary>
    public static string LiveIdsSql(string projectId, string viewsDataset, string table) =>
        "SELECT record_id " + LiveRecordsSql(projectId, viewsDataset, table) + " ORDER BY record_id";

    /// <summary>The query <see cref="CountLiveRecordsAsync"/> runs (parameters <c>@tenant</c>, <c>@before</c>): one row, the count.</summary>
    public static string LiveCountSql(string projectId, string viewsDataset, string table) =>
        "SELECT COUNT(*) AS records " + LiveRecordsSql(projectId, viewsDataset, table);

    /// <summary>The tenant's records in the latest view not marked deleted and fetched before <c>@before</c>.</summary>
    private static string LiveRecordsSql(string projectId, string viewsDataset, string table) => string.Create(
        CultureInfo.InvariantCulture,
        $"FROM `{projectId}.{viewsDataset}.{table}` WHERE tenant_id = @tenant AND deleted_at IS NULL AND fetched_at < @before");

    /// <summary>The typed views over one table's latest view <c>`{project}.{viewsDataset}.{table}`</c>: (view name, query).</summary>
    public static IReadOnlyList<(string View, string Sql)> TypedViewsSql(string projectId, string viewsDataset, string table) =>
        [.. TypedViewCatalog.For(table).Select(v => (v.Name, BigQueryTypedDialect.Instance.ViewSql(v, $"`{projectId}.{viewsDataset}.{table}`")))];

    /// <summary>The deterministic job ids a load of <paramref name="objectCount"/> objects uses: the id itself, or <c>{id}_{n}</c> when split.</summary>
    public static IReadOnlyList<string> JobIds(string jobId, int objectCount, int urisPerJob = BigQueryWarehouseOptions.MaxSourceUrisPerJob)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        ArgumentOutOfRangeException.ThrowIfNegative(objectCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(urisPerJob);
        var jobs = Math.Max(1, (objectCount + urisPerJob - 1) / urisPerJob);
        return jobs == 1 ? [jobId] : [.. Enumerable.Range(0, jobs).Select(n => string.Create(CultureInfo.InvariantCulture, $"{jobId}_{n}"))];
    }

    public async Task EnsureTablesAsync(IReadOnlyCollection<XeroEndpoint> endpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var tables = endpoints.Select(RequireTableName).Distinct(StringComparer.Ordinal).ToList();
        if (_datasetsEnsured && tables.TrueForAll(_ensuredTables.ContainsKey))
        {
            return;
        }

        // Every step is create-if-absent (409 = exists), so two callers racing here only repeat harmless calls.
        if (!_datasetsEnsured)
        {
            var rawCreated = await _client.CreateDatasetIfAbsentAsync(_options.RawDataset, _options.Location, cancellationToken);
            var viewsCreated = await _client.CreateDatasetIfAbsentAsync(_options.ViewsDataset, _options.Location, cancellationToken);
            var typedCreated = await _client.CreateDatasetIfAbsentAsync(_options.TypedDataset, _options.Location, cancellationToken);
            LogDatasetsEnsured(_options.RawDataset, rawCreated, _options.ViewsDataset, viewsCreated);
            LogTypedDatasetEnsured(_options.TypedDataset, typedCreated);
            _datasetsEnsured = true;
        }

        foreach (var table in tables)
        {
            if (_ensuredTables.ContainsKey(table))
            {
                continue;
            }

            var tableCreated = await _client.CreateTableIfAbsentAsync(_options.RawDataset, table, RawSchema, PartitionField, ClusteringFields, cancellationToken);
            var viewCreated = await _client.CreateViewIfAbsentAsync(
                _options.ViewsDataset,
                table,
                LatestViewSql(_options.ProjectId, _options.RawDataset, table),
                replace: true,
                cancellationToken);
            LogTableEnsured(_options.RawDataset, table, tableCreated, _options.ViewsDataset, viewCreated);
            foreach (var (view, sql) in TypedViewsSql(_options.ProjectId, _options.ViewsDataset, table))
            {
                await _client.CreateViewIfAbsentAsync(_options.TypedDataset, view, sql, replace: true, cancellationToken);
            }
            _ensuredTables[table] = true;
        }
    }

    public async Task<long> LoadAsync(LoadJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(job.ObjectNames);
        var table = RequireTableName(job.Endpoint);
        var jobIds = JobIds(job.JobId, job.ObjectNames.Count, _options.SourceUrisPerJob);
        foreach (var id in jobIds)
        {
            if (!BigQueryClient.IsValidJobId(id))
            {
                throw new ArgumentException($"Load job id '{id}' is not a valid BigQuery job id (1-{BigQueryClient.MaxJobIdLength} characters of [A-Za-z0-9_-]).", nameof(job));
            }
        }

        if (job.ObjectNames.Count == 0)
        {
            return 0;
        }

        var sourceUris = job.ObjectNames.Select(SourceUri).ToList();
        await EnsureTablesAsync([job.Endpoint], cancellationToken);
        var started = _time.GetTimestamp();
        long rows = 0;
        for (var n = 0; n < jobIds.Count; n++)
        {
            var start = n * _options.SourceUrisPerJob;
            var uris = sourceUris.GetRange(start, Math.Min(_options.SourceUrisPerJob, sourceUris.Count - start));
            rows += await RunLoadJobAsync(jobIds[n], table, uris, cancellationToken);
        }

        var elapsedMs = (long)_time.GetElapsedTime(started).TotalMilliseconds;
        if (rows != job.ExpectedRows)
        {
            LogRowMismatch(job.JobId, rows, job.ExpectedRows, table);
        }

        LogLoaded(job.JobId, rows, _options.RawDataset, table, job.ObjectNames.Count, jobIds.Count, elapsedMs);
        return rows;
    }

    public async Task<long> LoadUsageAsync(UsageLoad load, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(load);
        if (!BigQueryClient.IsValidJobId(load.JobId))
        {
            throw new ArgumentException($"Load job id '{load.JobId}' is not a valid BigQuery job id.", nameof(load));
        }

        await EnsureTablesAsync([], cancellationToken);
        if (!_usageEnsured)
        {
            await _client.CreateTableIfAbsentAsync(_options.RawDataset, UsageTable, UsageSchema, "day", ["tenant_id"], cancellationToken);
            await _client.CreateViewIfAbsentAsync(_options.ViewsDataset, UsageTable, UsageViewSql(_options.ProjectId, _options.RawDataset), replace: true, cancellationToken);
            _usageEnsured = true;
        }

        var configuration = new BigQueryLoadConfiguration([SourceUri(load.ObjectName)], _options.RawDataset, UsageTable, UsageSchema)
        {
            SourceFormat = "NEWLINE_DELIMITED_JSON",
            WriteDisposition = "WRITE_APPEND",
            CreateDisposition = "CREATE_IF_NEEDED",
            MaxBadRecords = 0,
            IgnoreUnknownValues = false,
            TimePartitioningField = "day",
            ClusteringFields = ["tenant_id"],
        };
        var rows = await RunJobAsync(load.JobId, configuration, cancellationToken);
        LogLoaded(load.JobId, rows, _options.RawDataset, UsageTable, 1, 1, 0);
        return rows;
    }

    public async Task<IReadOnlyList<string>> GetLiveIdsAsync(string tenantId, XeroEndpoint endpoint, DateTimeOffset fetchedBefore, CancellationToken cancellationToken)
    {
        var rows = await QueryLiveAsync(LiveIdsSql, tenantId, endpoint, fetchedBefore, cancellationToken);
        return [.. rows.Select(r => r[0]).OfType<string>()];
    }

    public async Task<int> CountLiveRecordsAsync(string tenantId, XeroEndpoint endpoint, DateTimeOffset fetchedBefore, CancellationToken cancellationToken)
    {
        var rows = await QueryLiveAsync(LiveCountSql, tenantId, endpoint, fetchedBefore, cancellationToken);
        return rows is [[{ } cell, ..]] && long.TryParse(cell, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? (int)Math.Min(count, int.MaxValue)
            : throw new InvalidOperationException($"BigQuery answered the live-record count with {rows.Count} rows, not one count.");
    }

    /// <summary>Runs one of the live-record queries (<see cref="LiveIdsSql"/>, <see cref="LiveCountSql"/>) for the tenant and endpoint.</summary>
    private async Task<IReadOnlyList<IReadOnlyList<string?>>> QueryLiveAsync(Func<string, string, string, string> sql, string tenantId, XeroEndpoint endpoint, DateTimeOffset fetchedBefore, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var table = RequireTableName(endpoint);
        await EnsureTablesAsync([endpoint], cancellationToken);
        return await _client.QueryAsync(
            sql(_options.ProjectId, _options.ViewsDataset, table),
            [new("tenant", "STRING", tenantId), new("before", "TIMESTAMP", fetchedBefore.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00")],
            _options.Location,
            cancellationToken);
    }

    private Task<long> RunLoadJobAsync(string jobId, string table, IReadOnlyList<string> sourceUris, CancellationToken cancellationToken) =>
        RunJobAsync(
            jobId,
            new BigQueryLoadConfiguration(sourceUris, _options.RawDataset, table, RawSchema)
            {
                SourceFormat = "NEWLINE_DELIMITED_JSON",
                WriteDisposition = "WRITE_APPEND",
                CreateDisposition = "CREATE_IF_NEEDED",
                MaxBadRecords = 0,
                IgnoreUnknownValues = false,
                TimePartitioningField = PartitionField,
                ClusteringFields = ClusteringFields,
                SchemaUpdateOptions = ["ALLOW_FIELD_ADDITION"],
            },
            cancellationToken);

    private async Task<long> RunJobAsync(string jobId, BigQueryLoadConfiguration load, CancellationToken cancellationToken)
    {
        var qualified = $"{load.DatasetId}.{load.TableId}";
        var submitted = await _client.InsertJobAsync(jobId, load, _options.Location, cancellationToken);
        if (submitted.IsDone)
        {
            return submitted.ErrorResult is null
                ? submitted.OutputRows ?? 0
                : throw new BigQueryLoadFailedException(jobId, qualified, submitted.ErrorResult);
        }

        try
        {
            return await _client.PollJobAsync(jobId, submitted.Location ?? _options.Location, _options.Poll, cancellationToken);
        }
        catch (BigQueryJobFailedException e)
        {
            throw new BigQueryLoadFailedException(jobId, qualified, e.Error, e);
        }
    }

    private string SourceUri(string objectName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objectName);
        if (objectName.Contains('*', StringComparison.Ordinal) || objectName.StartsWith('/'))
        {
            throw new ArgumentException($"Object name '{Identifiers.Printable(objectName)}' cannot be a load source (no wildcards, relative names only).", nameof(objectName));
        }

        return $"gs://{_options.Bucket}/{objectName}";
    }

    private static string RequireTableName(XeroEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return TableNamePattern().IsMatch(endpoint.TableName)
            ? endpoint.TableName
            : throw new ArgumentException($"Table name '{Identifiers.Printable(endpoint.TableName)}' is not a snake_case catalog name.", nameof(endpoint));
    }

    private static void RequireIdentifier(string value, string parameterName)
    {
        if (string.IsNullOrEmpty(value) || !DatasetPattern().IsMatch(value))
        {
            throw new ArgumentException($"Dataset '{Identifiers.Printable(value ?? string.Empty)}' must be letters, digits and underscores.", parameterName);
        }
    }

    [GeneratedRegex(@"^[a-z_]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex TableNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_]{1,1024}\z", RegexOptions.CultureInvariant)]
    private static partial Regex DatasetPattern();

    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "BigQuery datasets {RawDataset} (created: {RawCreated}) and {ViewsDataset} (created: {ViewsCreated}) ensured")]
    private partial void LogDatasetsEnsured(string rawDataset, bool rawCreated, string viewsDataset, bool viewsCreated);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Debug, Message = "BigQuery dataset {TypedDataset} (created: {TypedCreated}) for typed views ensured")]
    private partial void LogTypedDatasetEnsured(string typedDataset, bool typedCreated);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Debug, Message = "BigQuery table {RawDataset}.{Table} (created: {TableCreated}) and view {ViewsDataset}.{Table} (created: {ViewCreated}) ensured")]
    private partial void LogTableEnsured(string rawDataset, string table, bool tableCreated, string viewsDataset, bool viewCreated);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Debug, Message = "Loaded {Rows} rows into {RawDataset}.{Table} from {Objects} objects (job {JobId}, {Jobs} BigQuery jobs) in {ElapsedMs} ms")]
    private partial void LogLoaded(string jobId, long rows, string rawDataset, string table, int objects, int jobs, long elapsedMs);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Load job {JobId} into {Table} loaded {Rows} rows but the manifest expects {ExpectedRows}")]
    private partial void LogRowMismatch(string jobId, long rows, long expectedRows, string table);
}
