using System.Buffers;
using System.Net;
using Microsoft.Extensions.Logging;

namespace XeroSync.Google.BigQuery;

/// <summary>BigQuery REST v2 client: datasets, partitioned/clustered tables, views, load jobs with deterministic ids.</summary>
public sealed partial class BigQueryClient
{
    /// <summary>The longest job id BigQuery accepts.</summary>
    public const int MaxJobIdLength = 1024;

    private static readonly SearchValues<char> JobIdChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

    private readonly HttpClient _http;
    private readonly GoogleClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<BigQueryClient> _logger;

    public BigQueryClient(HttpClient http, GoogleClientOptions options, TimeProvider timeProvider, ILogger<BigQueryClient> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _http = http;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>True when <paramref name="jobId"/> is 1–1024 characters of <c>[A-Za-z0-9_-]</c>.</summary>
    public static bool IsValidJobId(string? jobId) =>
        !string.IsNullOrEmpty(jobId) && jobId.Length <= MaxJobIdLength && !jobId.AsSpan().ContainsAnyExcept(JobIdChars);

    /// <summary>Creates the dataset; returns false when it already exists.</summary>
    public Task<bool> CreateDatasetIfAbsentAsync(string datasetId, string? location = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(datasetId);
        var body = new DatasetDto(new DatasetReferenceDto(_options.ProjectId, datasetId), location);
        var content = GoogleHttp.JsonContent(body, BigQueryJsonContext.Default.DatasetDto);
        return CreateAsync(Api("datasets"), content, cancellationToken);
    }

    /// <summary>Creates the table (DAY partitioning on <paramref name="timePartitioningField"/>, clustering); returns false when it already exists.</summary>
    public Task<bool> CreateTableIfAbsentAsync(
        string datasetId,
        string tableId,
        IReadOnlyList<BigQueryField> schema,
        string? timePartitioningField = null,
        IReadOnlyList<string>? clusteringFields = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var body = new TableDto(
            Table(datasetId, tableId),
            new SchemaDto(schema),
            timePartitioningField is null ? null : new TimePartitioningDto("DAY", timePartitioningField),
            clusteringFields is { Count: > 0 } ? new ClusteringDto(clusteringFields) : null,
            null);
        var content = GoogleHttp.JsonContent(body, BigQueryJsonContext.Default.TableDto);
        return CreateAsync(Api($"datasets/{datasetId}/tables"), content, cancellationToken);
    }

    /// <summary>Creates a standard-SQL view; when it exists and <paramref name="replace"/> is set, updates its query. Returns true when created.</summary>
    public async Task<bool> CreateViewIfAbsentAsync(string datasetId, string viewId, string query, bool replace = true, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        var body = new TableDto(Table(datasetId, viewId), null, null, null, new ViewDto(query, UseLegacySql: false));
        var content = GoogleHttp.JsonContent(body, BigQueryJsonContext.Default.TableDto);
        if (await CreateAsync(Api($"datasets/{datasetId}/tables"), content, cancellationToken))
        {
            return true;
        }

        if (replace)
        {
            var update = GoogleHttp.JsonContent(body, BigQueryJsonContext.Default.TableDto);
            using var response = await GoogleHttp.SendAsync(_http, HttpMethod.Put, Api($"datasets/{datasetId}/tables/{viewId}"), update, cancellationToken);
        }

        return false;
    }

    /// <summary>
    /// Inserts a load job with a deterministic id. A 409 "Already Exists" means it was submitted before: the existing
    /// job is returned (via <see cref="GetJobAsync"/>) whatever its state.
    /// </summary>
    public async Task<BigQueryJob> InsertJobAsync(string jobId, BigQueryLoadConfiguration load, string? location = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(load);
        if (!IsValidJobId(jobId))
        {
            throw new ArgumentException($"Invalid BigQuery job id '{jobId}': 1-{MaxJobIdLength} characters of [A-Za-z0-9_-].", nameof(jobId));
        }

        var config = new LoadConfigurationDto(
            load.SourceUris,
            load.SourceFormat,
            Table(load.DatasetId, load.TableId),
            load.WriteDisposition,
            load.CreateDisposition,
            new SchemaDto(load.Schema),
            load.MaxBadRecords,
            load.IgnoreUnknownValues,
            load.TimePartitioningField is null ? null : new TimePartitioningDto("DAY", load.TimePartitioningField),
            load.ClusteringFields is { Count: > 0 } ? new ClusteringDto(load.ClusteringFields) : null,
            load.SchemaUpdateOptions is { Count: > 0 } ? load.SchemaUpdateOptions : null);
        var body = new JobDto(new JobReferenceDto(_options.ProjectId, jobId, location), new JobConfigurationDto(config));
        using var content = GoogleHttp.JsonContent(body, BigQueryJsonContext.Default.JobDto);
        try
        {
            var job = await GoogleHttp.SendAsync(_http, HttpMethod.Post, Api("jobs"), content, BigQueryJsonContext.Default.JobDto, cancellationToken);
            LogJobInserted(jobId);
            return ToJob(job);
        }
        catch (GoogleApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            LogJobExists(jobId);
            return await GetJobAsync(jobId, location, cancellationToken);
        }
    }

    /// <summary>Reads a job's state.</summary>
    public async Task<BigQueryJob> GetJobAsync(string jobId, string? location = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        var query = location is null ? string.Empty : "?location=" + Uri.EscapeDataString(location);
        var job = await GoogleHttp.SendAsync(_http, HttpMethod.Get, Api($"jobs/{Uri.EscapeDataString(jobId)}{query}"), null, BigQueryJsonContext.Default.JobDto, cancellationToken);
        return ToJob(job);
    }

    /// <summary>Polls until DONE (doubling delay via the injected TimeProvider) and returns <c>statistics.load.outputRows</c> (0 when absent).</summary>
    /// <exception cref="BigQueryJobFailedException">The job ended with <c>status.errorResult</c>.</exception>
    /// <exception cref="TimeoutException">Not DONE within <see cref="BigQueryPollOptions.Timeout"/>.</exception>
    public async Task<long> PollJobAsync(string jobId, string? location = null, BigQueryPollOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= BigQueryPollOptions.Default;
        var started = _timeProvider.GetTimestamp();
        var delay = options.InitialDelay;
        while (true)
        {
            var job = await GetJobAsync(jobId, location, cancellationToken);
            if (job.IsDone)
            {
                if (job.ErrorResult is not null)
                {
                    throw new BigQueryJobFailedException(jobId, job.ErrorResult);
                }

                return job.OutputRows ?? 0;
            }

            if (_timeProvider.GetElapsedTime(started) + delay > options.Timeout)
            {
                throw new TimeoutException($"BigQuery job {jobId} not DONE after {options.Timeout} (state {job.State}).");
            }

            await Task.Delay(delay, _timeProvider, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxDelay.Ticks));
        }
    }

    /// <summary>
    /// Runs a standard-SQL query with named parameters (<c>jobs.query</c>, then <c>getQueryResults</c> until complete and
    /// every page read) and returns each row's cells as text (null for NULL).
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyList<string?>>> QueryAsync(string sql, IReadOnlyList<BigQueryParameter> parameters, string? location = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        ArgumentNullException.ThrowIfNull(parameters);
        const long TimeoutMs = 30_000;
        const long MaxResults = 10_000;
        var body = new QueryRequestDto(
            sql,
            UseLegacySql: false,
            "NAMED",
            [.. parameters.Select(p => new QueryParameterDto(p.Name, new QueryParameterTypeDto(p.Type), new QueryParameterValueDto(p.Value)))],
            TimeoutMs,
            MaxResults,
            location);
        using var content = GoogleHttp.JsonContent(body, BigQueryJsonContext.Default.QueryRequestDto);
        var response = await GoogleHttp.SendAsync(_http, HttpMethod.Post, Api("queries"), content, BigQueryJsonContext.Default.QueryResponseDto, cancellationToken);
        var rows = new List<IReadOnlyList<string?>>();
        while (true)
        {
            if (response.JobComplete)
            {
                rows.AddRange((response.Rows ?? []).Select(r => (IReadOnlyList<string?>)[.. r.F.Select(c => c.V.ValueKind == System.Text.Json.JsonValueKind.String ? c.V.GetString() : null)]));
                if (response.PageToken is null)
                {
                    return rows;
                }
            }

            var job = response.JobReference ?? throw new InvalidOperationException("BigQuery returned an incomplete query without a job reference.");
            var query = $"?timeoutMs={TimeoutMs}&maxResults={MaxResults}"
                + (response.JobComplete && response.PageToken is { } token ? "&pageToken=" + Uri.EscapeDataString(token) : string.Empty)
                + ((job.Location ?? location) is { } at ? "&location=" + Uri.EscapeDataString(at) : string.Empty);
            response = await GoogleHttp.SendAsync(_http, HttpMethod.Get, Api($"queries/{Uri.EscapeDataString(job.JobId)}{query}"), null, BigQueryJsonContext.Default.QueryResponseDto, cancellationToken);
        }
    }

    /// <summary>
    /// Streams <paramref name="rows"/> into a table (<c>tabledata.insertAll</c>): every row or, when BigQuery refuses one
    /// (<c>insertErrors</c>), an exception naming the first refusal. No row is skipped and no unknown column ignored.
    /// </summary>
    public async Task InsertRowsAsync(string datasetId, string tableId, IReadOnlyList<BigQueryInsertRow> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var table = Table(datasetId, tableId);
        if (rows.Count == 0)
        {
            return;
        }

        var body = new InsertAllRequestDto("bigquery#tableDataInsertAllRequest", SkipInvalidRows: false, IgnoreUnknownValues: false, [.. rows.Select(r => new InsertAllRowDto(r.InsertId, r.Values))]);
        using var content = GoogleHttp.JsonContent(body, BigQueryJsonContext.Default.InsertAllRequestDto);
        var response = await GoogleHttp.SendAsync(
            _http,
            HttpMethod.Post,
            Api($"datasets/{Uri.EscapeDataString(table.DatasetId)}/tables/{Uri.EscapeDataString(table.TableId)}/insertAll"),
            content,
            BigQueryJsonContext.Default.InsertAllResponseDto,
            cancellationToken);
        if (response.InsertErrors is [var first, ..])
        {
            var error = first.Errors is [var reason, ..] ? $"{reason.Reason}: {reason.Message}" : "no reason given";
            throw new BigQueryInsertFailedException($"BigQuery refused {response.InsertErrors.Count} of {rows.Count} rows for {table.DatasetId}.{table.TableId} (row {first.Index}: {error}).");
        }
    }

    private static BigQueryJob ToJob(JobDto job) => new(
        job.JobReference.JobId,
        job.JobReference.Location,
        job.Status?.State ?? "PENDING",
        job.Status?.ErrorResult,
        job.Statistics?.Load?.OutputRows);

    private TableReferenceDto Table(string datasetId, string tableId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(datasetId);
        ArgumentException.ThrowIfNullOrWhiteSpace(tableId);
        return new TableReferenceDto(_options.ProjectId, datasetId, tableId);
    }

    private Uri Api(string relative) => new(_options.BaseUri, $"bigquery/v2/projects/{_options.ProjectId}/{relative}");

    private async Task<bool> CreateAsync(Uri uri, HttpContent content, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await GoogleHttp.SendAsync(_http, HttpMethod.Post, uri, content, cancellationToken);
            return true;
        }
        catch (GoogleApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Inserted BigQuery job {JobId}")]
    private partial void LogJobInserted(string jobId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "BigQuery job {JobId} already exists; using it")]
    private partial void LogJobExists(string jobId);
}
