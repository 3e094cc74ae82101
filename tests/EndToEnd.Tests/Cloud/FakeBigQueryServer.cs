using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using XeroSync.Tests.Gcs;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// Kestrel on 127.0.0.1:0 implementing the BigQuery v2 REST subset <c>BigQueryClient</c> uses: dataset and table
/// create (409 when they exist), view create/update, and load jobs that really load: jobs.insert reads every
/// <c>gs://bucket/name</c> source from the <see cref="FakeGcsServer"/>, gunzips it, parses the NDJSON lines and
/// appends them to an in-memory table (409 "Already Exists" for a job id seen before); jobs.get answers DONE with
/// <c>statistics.load.outputRows</c>; tabledata.insertAll appends rows (a repeated insert id dropped); jobs.query answers
/// the reconcile's live-id queries and the tie-out's queries from the stored rows. Request shapes the pipeline depends on
/// are checked; violations are answered 400 and listed in <see cref="Problems"/>.
/// </summary>
public sealed partial class FakeBigQueryServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FakeGcsServer _gcs;
    private readonly string _bucket;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _datasets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _tables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<BigQueryRow>> _rows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LoadJobRecord> _jobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<JsonElement>> _inserted = new(StringComparer.Ordinal);
    private readonly HashSet<string> _insertIds = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _inserts = new(0);
    private readonly ConcurrentQueue<string> _problems = new();
    private int _duplicateInserts;

    /// <summary>The tie-out tables README describes, with the BigQuery type each column's values need.</summary>
    private static readonly Dictionary<string, (string Name, string Type)[]> TieOutColumns = new(StringComparer.Ordinal)
    {
        ["report_snapshots"] = [("tenant_id", "STRING"), ("report", "STRING"), ("as_at", "DATE"), ("fetched_at", "TIMESTAMP"), ("report_json", "JSON")],
        ["tie_outs"] = [("tenant_id", "STRING"), ("report", "STRING"), ("as_at", "DATE"), ("checked_at", "TIMESTAMP"), ("accounts", "INT64"), ("ties", "BOOL"),
            ("problem", "STRING"), ("missing_scope", "STRING"), ("missing_journal_numbers", "STRING")],
        ["tie_out_differences"] = [("tenant_id", "STRING"), ("report", "STRING"), ("as_at", "DATE"), ("checked_at", "TIMESTAMP"), ("account_id", "STRING"),
            ("account", "STRING"), ("xero", "NUMERIC"), ("warehouse", "NUMERIC"), ("difference", "NUMERIC"), ("journals_from", "DATE")],
        ["tie_out_journals"] = [("tenant_id", "STRING"), ("report", "STRING"), ("as_at", "DATE"), ("checked_at", "TIMESTAMP"), ("account_id", "STRING"),
            ("journal_id", "STRING"), ("journal_number", "INT64"), ("journal_date", "DATE"), ("amount", "NUMERIC")],
    };

    private FakeBigQueryServer(WebApplication app, FakeGcsServer gcs, string bucket)
    {
        _app = app;
        _gcs = gcs;
        _bucket = bucket;
    }

    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Request shapes that were wrong (each also answered 400).</summary>
    public IReadOnlyList<string> Problems => [.. _problems];

    /// <summary>Load jobs that were inserted (first insert of each id), in insert order.</summary>
    public IReadOnlyList<LoadJobRecord> LoadJobs
    {
        get
        {
            lock (_gate)
            {
                return [.. _jobs.Values.OrderBy(j => j.Sequence)];
            }
        }
    }

    /// <summary>jobs.insert calls answered 409 because the id existed.</summary>
    public int DuplicateInserts => Volatile.Read(ref _duplicateInserts);

    public IReadOnlyCollection<string> Datasets
    {
        get
        {
            lock (_gate)
            {
                return [.. _datasets];
            }
        }
    }

    /// <summary>Tables and views (<c>dataset.table</c> → view query, null for a table).</summary>
    public IReadOnlyDictionary<string, string?> Tables
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, string?>(_tables, StringComparer.Ordinal);
            }
        }
    }

    public static async Task<FakeBigQueryServer> StartAsync(FakeGcsServer gcs, string bucket)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeBigQueryServer(app, gcs, bucket);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseUri = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return server;
    }

    /// <summary>Every row loaded into <c>dataset.table</c>, in load order.</summary>
    public IReadOnlyList<BigQueryRow> Rows(string table)
    {
        lock (_gate)
        {
            return _rows.TryGetValue(table, out var rows) ? [.. rows] : [];
        }
    }

    /// <summary>Rows streamed into <c>dataset.table</c> by tabledata.insertAll (a repeated insert id dropped), in insert order.</summary>
    public IReadOnlyList<JsonElement> InsertedRows(string table)
    {
        lock (_gate)
        {
            return _inserted.TryGetValue(table, out var rows) ? [.. rows] : [];
        }
    }

    /// <summary>
    /// Waits, woken by each insertAll, until <paramref name="table"/> holds <paramref name="count"/> inserted rows; false when
    /// <paramref name="timeout"/> passes first.
    /// </summary>
    public async Task<bool> WaitForInsertedAsync(string table, int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            while (InsertedRows(table).Count < count)
            {
                await _inserts.WaitAsync(limit.Token);
            }

            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return InsertedRows(table).Count >= count;
        }
    }

    /// <summary>What the latest view returns: one row per (tenant_id, record_id), newest updated_at, then fetched_at, run_id, page.</summary>
    public IReadOnlyDictionary<(string TenantId, string RecordId), BigQueryRow> Latest(string table) =>
        Rows(table)
            .GroupBy(r => (r.TenantId, r.RecordId))
            .ToDictionary(
                g => g.Key,
                g => g.OrderByDescending(r => r.UpdatedAt.HasValue).ThenByDescending(r => r.UpdatedAt).ThenByDescending(r => r.FetchedAt)
                    .ThenByDescending(r => r.RunId, StringComparer.Ordinal).ThenByDescending(r => r.Page).First());

    /// <summary>
    /// What the latest view returns with the reconcile's rule (README "Reconcile"): the newest record row per key, and
    /// <c>deleted_at</c> from the newest tombstone when no record row was fetched after it.
    /// </summary>
    public IReadOnlyDictionary<(string TenantId, string RecordId), (BigQueryRow Row, DateTimeOffset? DeletedAt)> LatestWithDeletes(string table)
    {
        var rows = Rows(table);
        var tombstones = rows.Where(r => r.DeletedAt is not null).GroupBy(r => (r.TenantId, r.RecordId)).ToDictionary(g => g.Key, g => g.Max(r => r.DeletedAt!.Value));
        return rows.Where(r => r.DeletedAt is null)
            .GroupBy(r => (r.TenantId, r.RecordId))
            .ToDictionary(
                g => g.Key,
                g =>
                {
                    var latest = g.OrderByDescending(r => r.UpdatedAt.HasValue).ThenByDescending(r => r.UpdatedAt).ThenByDescending(r => r.FetchedAt)
                        .ThenByDescending(r => r.RunId, StringComparer.Ordinal).ThenByDescending(r => r.Page).First();
                    var lastSeen = g.Max(r => r.FetchedAt);
                    return (latest, tombstones.TryGetValue(g.Key, out var deleted) && deleted > lastSeen ? deleted : (DateTimeOffset?)null);
                });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _inserts.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        if (string.Equals(context.Request.Headers.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase))
        {
            await using var gzip = new GZipStream(context.Request.Body, CompressionMode.Decompress);
            await gzip.CopyToAsync(body, context.RequestAborted);
        }
        else
        {
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        }

        var method = context.Request.Method;
        var path = context.Request.Path.Value ?? string.Empty;
        try
        {
            if (method == "POST" && DatasetsPath().Match(path) is { Success: true })
            {
                using var json = JsonDocument.Parse(body.ToArray());
                var id = json.RootElement.GetProperty("datasetReference").GetProperty("datasetId").GetString()!;
                bool added;
                lock (_gate)
                {
                    added = _datasets.Add(id);
                }

                await (added ? JsonAsync(context, 200, json.RootElement) : ErrorAsync(context, 409, "Already Exists: Dataset " + id));
            }
            else if (method == "POST" && TablesPath().Match(path) is { Success: true } tables)
            {
                await CreateTableAsync(context, tables.Groups["dataset"].Value, body.ToArray());
            }
            else if (method == "PUT" && TablePath().Match(path) is { Success: true } table)
            {
                using var json = JsonDocument.Parse(body.ToArray());
                var key = table.Groups["dataset"].Value + "." + table.Groups["table"].Value;
                lock (_gate)
                {
                    if (!_tables.ContainsKey(key))
                    {
                        Problem($"PUT of a view that does not exist: {key}");
                    }

                    _tables[key] = json.RootElement.GetProperty("view").GetProperty("query").GetString();
                }

                await JsonAsync(context, 200, json.RootElement);
            }
            else if (method == "POST" && InsertAllPath().Match(path) is { Success: true } insert)
            {
                await InsertAllAsync(context, insert.Groups["dataset"].Value + "." + insert.Groups["table"].Value, body.ToArray());
            }
            else if (method == "POST" && QueriesPath().Match(path) is { Success: true })
            {
                await QueryAsync(context, body.ToArray());
            }
            else if (method == "POST" && JobsPath().Match(path) is { Success: true })
            {
                await InsertJobAsync(context, body.ToArray());
            }
            else if (method == "GET" && JobPath().Match(path) is { Success: true } job)
            {
                LoadJobRecord? record;
                lock (_gate)
                {
                    record = _jobs.GetValueOrDefault(Uri.UnescapeDataString(job.Groups["job"].Value));
                }

                await (record is null ? ErrorAsync(context, 404, "Not found: Job " + job.Groups["job"].Value) : WriteJobAsync(context, 200, record));
            }
            else
            {
                await ErrorAsync(context, 400, Problem($"FakeBigQueryServer does not implement {method} {path}"));
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or InvalidDataException)
        {
            await ErrorAsync(context, 400, Problem($"{method} {path}: {e.Message}"));
        }
    }

    private async Task CreateTableAsync(HttpContext context, string dataset, byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var id = root.GetProperty("tableReference").GetProperty("tableId").GetString()!;
        string? view = root.TryGetProperty("view", out var v) && v.ValueKind == JsonValueKind.Object ? v.GetProperty("query").GetString() : null;
        if (view is null)
        {
            var fields = root.GetProperty("schema").GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("type").GetString()!, StringComparer.Ordinal);
            if (TieOutColumns.TryGetValue(id, out var columns))
            {
                if (columns.FirstOrDefault(c => fields.GetValueOrDefault(c.Name) != c.Type) is { Name: not null } wrong)
                {
                    await ErrorAsync(context, 400, Problem($"table {dataset}.{id}: column {wrong.Name} must be {wrong.Type}"));
                    return;
                }
            }
            else if (fields.GetValueOrDefault("payload") != "JSON")
            {
                await ErrorAsync(context, 400, Problem($"table {dataset}.{id}: payload must be JSON"));
                return;
            }
        }

        bool added;
        lock (_gate)
        {
            if (!_datasets.Contains(dataset))
            {
                Problem($"table {dataset}.{id} created before its dataset");
            }

            added = _tables.TryAdd(dataset + "." + id, view);
        }

        await (added ? JsonAsync(context, 200, root) : ErrorAsync(context, 409, $"Already Exists: Table {dataset}.{id}"));
    }

    private async Task InsertJobAsync(HttpContext context, byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var jobId = root.GetProperty("jobReference").GetProperty("jobId").GetString()!;
        var load = root.GetProperty("configuration").GetProperty("load");
        var destination = load.GetProperty("destinationTable");
        var table = destination.GetProperty("datasetId").GetString() + "." + destination.GetProperty("tableId").GetString();
        var shape = new List<string>();
        if (load.GetProperty("sourceFormat").GetString() != "NEWLINE_DELIMITED_JSON")
        {
            shape.Add("sourceFormat must be NEWLINE_DELIMITED_JSON");
        }

        if (load.GetProperty("writeDisposition").GetString() != "WRITE_APPEND")
        {
            shape.Add("writeDisposition must be WRITE_APPEND");
        }

        if (load.TryGetProperty("maxBadRecords", out var bad) && bad.GetInt32() != 0)
        {
            shape.Add("maxBadRecords must be 0");
        }

        var fields = load.GetProperty("schema").GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("type").GetString()!, StringComparer.Ordinal);
        foreach (var (name, type) in new[] { ("tenant_id", "STRING"), ("record_id", "STRING"), ("run_id", "STRING"), ("fetched_at", "TIMESTAMP"), ("payload", "JSON") })
        {
            if (fields.GetValueOrDefault(name) != type)
            {
                shape.Add($"schema field {name} must be {type}");
            }
        }

        var uris = load.GetProperty("sourceUris").EnumerateArray().Select(u => u.GetString()!).ToList();
        if (uris.Count == 0 || uris.Count > 10_000)
        {
            shape.Add("1-10000 source URIs");
        }

        if (shape.Count > 0)
        {
            await ErrorAsync(context, 400, Problem($"job {jobId}: {string.Join("; ", shape)}"));
            return;
        }

        if (IsDuplicate(jobId))
        {
            await ErrorAsync(context, 409, $"Already Exists: Job {GoogleEmulators.ProjectId}:EU.{jobId}");
            return;
        }

        // Read every source before anything is appended: a load job is atomic.
        var objects = _gcs.Objects;
        var rows = new List<BigQueryRow>();
        foreach (var uri in uris)
        {
            var prefix = "gs://" + _bucket + "/";
            if (!uri.StartsWith(prefix, StringComparison.Ordinal) || !objects.TryGetValue(uri[prefix.Length..], out var content))
            {
                await ErrorAsync(context, 404, Problem($"job {jobId}: source {uri} not found"));
                return;
            }

            rows.AddRange(ParseObject(uri, content));
        }

        LoadJobRecord? record;
        lock (_gate)
        {
            if (_jobs.ContainsKey(jobId))
            {
                _duplicateInserts++;
                record = null;
            }
            else
            {
                record = new LoadJobRecord(jobId, table, uris, rows.Count, _jobs.Count);
                _jobs[jobId] = record;
                if (!_tables.ContainsKey(table))
                {
                    Problem($"job {jobId} loads into {table}, which was never created");
                }

                if (!_rows.TryGetValue(table, out var list))
                {
                    _rows[table] = list = [];
                }

                list.AddRange(rows);
            }
        }

        await (record is null
            ? ErrorAsync(context, 409, $"Already Exists: Job {GoogleEmulators.ProjectId}:EU.{jobId}")
            : WriteJobAsync(context, 200, record));
    }

    private bool IsDuplicate(string jobId)
    {
        lock (_gate)
        {
            if (_jobs.ContainsKey(jobId))
            {
                _duplicateInserts++;
                return true;
            }

            return false;
        }
    }

    private static List<BigQueryRow> ParseObject(string uri, byte[] content)
    {
        byte[] data = content;
        if (content.Length >= 2 && content[0] == 0x1f && content[1] == 0x8b)
        {
            using var input = new MemoryStream(content);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            gzip.CopyTo(output);
            data = output.ToArray();
        }

        var rows = new List<BigQueryRow>();
        var span = data.AsSpan();
        var lineNumber = 0;
        while (span.Length > 0)
        {
            var end = span.IndexOf((byte)'\n');
            var line = end < 0 ? span : span[..end];
            span = end < 0 ? [] : span[(end + 1)..];
            lineNumber++;
            if (line.Length > 0)
            {
                rows.Add(ParseLine(line, uri, lineNumber));
            }
        }

        return rows;
    }

    private static BigQueryRow ParseLine(ReadOnlySpan<byte> line, string uri, int lineNumber)
    {
        string? tenantId = null, recordId = null, runId = null, payload = null;
        DateTimeOffset? updatedAt = null, fetchedAt = null, deletedAt = null;
        int? page = null;
        var reader = new Utf8JsonReader(line, isFinalBlock: true, state: default);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidDataException($"{uri} line {lineNumber}: not a JSON object");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "payload":
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    payload = Encoding.UTF8.GetString(line[start..(int)reader.BytesConsumed]);
                    break;
                case "tenant_id":
                    tenantId = reader.GetString();
                    break;
                case "record_id":
                    recordId = reader.GetString();
                    break;
                case "run_id":
                    runId = reader.GetString();
                    break;
                case "updated_at":
                    updatedAt = reader.TokenType == JsonTokenType.Null ? null : DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture);
                    break;
                case "fetched_at":
                    fetchedAt = DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture);
                    break;
                case "page":
                    page = reader.GetInt32();
                    break;
                case "deleted_at":
                    deletedAt = reader.TokenType == JsonTokenType.Null ? null : DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture);
                    break;
                default:
                    // ignoreUnknownValues is false in the pipeline's job: an unknown column fails the load.
                    throw new InvalidDataException($"{uri} line {lineNumber}: unknown field {name}");
            }
        }

        return tenantId is null || recordId is null || runId is null || fetchedAt is null || payload is null || page is null
            ? throw new InvalidDataException($"{uri} line {lineNumber}: a required field is missing")
            : new BigQueryRow(tenantId, recordId, updatedAt, runId, page.Value, fetchedAt.Value, payload, uri) { DeletedAt = deletedAt };
    }

    /// <summary>
    /// jobs.query for the queries the pipeline runs (the reconcile's live ids, and the plans' count of them; named parameters
    /// only), answered from the loaded rows with the latest view's rule; any other SQL is a problem.
    /// </summary>
    private async Task QueryAsync(HttpContext context, byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var sql = root.GetProperty("query").GetString()!;
        if (TieOutQuery(sql) is { } tieOut && !root.GetProperty("useLegacySql").GetBoolean() && root.GetProperty("parameterMode").GetString() == "NAMED")
        {
            await AnswerAsync(context, root, tieOut(Parameters(root)));
            return;
        }

        var match = LiveIdsQuery().Match(sql);
        if (!match.Success || root.GetProperty("useLegacySql").GetBoolean() || root.GetProperty("parameterMode").GetString() != "NAMED")
        {
            await ErrorAsync(context, 400, Problem($"FakeBigQueryServer answers only the live-id query or its count with named parameters, not: {sql}"));
            return;
        }

        var parameters = root.GetProperty("queryParameters").EnumerateArray().ToDictionary(
            p => p.GetProperty("name").GetString()!,
            p => p.GetProperty("parameterValue").GetProperty("value").GetString()!,
            StringComparer.Ordinal);
        var tenant = parameters["tenant"];
        var before = DateTimeOffset.Parse(parameters["before"].Replace(' ', 'T') + ":00", CultureInfo.InvariantCulture);
        string? rawTable;
        lock (_gate)
        {
            // Only raw tables receive loads: the view's table name is the raw table's.
            rawTable = _rows.Keys.FirstOrDefault(k => k.EndsWith("." + match.Groups["table"].Value, StringComparison.Ordinal));
        }

        var latest = rawTable is null ? new Dictionary<(string TenantId, string RecordId), (BigQueryRow Row, DateTimeOffset? DeletedAt)>() : LatestWithDeletes(rawTable);
        var ids = latest
            .Where(e => e.Key.TenantId == tenant && e.Value.DeletedAt is null && e.Value.Row.FetchedAt < before)
            .Select(e => e.Key.RecordId)
            .Order(StringComparer.Ordinal)
            .ToList();
        var answer = new
        {
            jobComplete = true,
            jobReference = new { projectId = "p", jobId = "query-" + Guid.NewGuid().ToString("N"), location = root.TryGetProperty("location", out var at) ? at.GetString() : null },
            rows = match.Groups["count"].Success
                ? [new { f = new[] { new { v = ids.Count.ToString(CultureInfo.InvariantCulture) } } }]
                : ids.Select(id => new { f = new[] { new { v = id } } }).ToList(),
            totalRows = (match.Groups["count"].Success ? 1 : ids.Count).ToString(CultureInfo.InvariantCulture),
        };
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(answer), context.RequestAborted);
    }

    [GeneratedRegex(@"^(?:SELECT record_id|(?<count>SELECT COUNT\(\*\) AS records)) FROM `[^.`]+\.[A-Za-z0-9_]+\.(?<table>[a-z_]+)` WHERE tenant_id = @tenant AND deleted_at IS NULL AND fetched_at < @before(?(count)| ORDER BY record_id)$", RegexOptions.CultureInvariant)]
    private static partial Regex LiveIdsQuery();

    /// <summary>
    /// tabledata.insertAll: rows appended to an existing table unless their insert id was seen (BigQuery's best-effort
    /// de-duplication, kept exactly here); skipInvalidRows and ignoreUnknownValues must be false.
    /// </summary>
    private async Task InsertAllAsync(HttpContext context, string table, byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        if (root.GetProperty("skipInvalidRows").GetBoolean() || root.GetProperty("ignoreUnknownValues").GetBoolean())
        {
            await ErrorAsync(context, 400, Problem($"insertAll into {table}: skipInvalidRows and ignoreUnknownValues must be false"));
            return;
        }

        lock (_gate)
        {
            if (!_tables.ContainsKey(table))
            {
                Problem($"insertAll into {table}, which was never created");
            }

            if (!_inserted.TryGetValue(table, out var rows))
            {
                _inserted[table] = rows = [];
            }

            foreach (var row in root.GetProperty("rows").EnumerateArray())
            {
                if (_insertIds.Add(table + "/" + row.GetProperty("insertId").GetString()))
                {
                    rows.Add(row.GetProperty("json").Clone());
                }
            }
        }

        _inserts.Release();
        await JsonAsync(context, 200, new Dictionary<string, object> { ["kind"] = "bigquery#tableDataInsertAllResponse" });
    }

    private static Dictionary<string, string?> Parameters(JsonElement root) =>
        root.GetProperty("queryParameters").EnumerateArray().ToDictionary(
            p => p.GetProperty("name").GetString()!,
            p => p.GetProperty("parameterValue").GetProperty("value").GetString(),
            StringComparer.Ordinal);

    /// <summary>
    /// The tie-out's queries, told apart by how each begins, answered in C# from the stored rows: the typed views
    /// organisation, accounts, journals and journal_lines modelled over the latest version of each raw row's payload
    /// (FinancialYearEndDay/Month; SystemAccount; JournalNumber, JournalDate as a UTC date, JournalLines' AccountID,
    /// AccountCode, AccountName, AccountType, NetAmount), and tie_outs / tie_out_differences from the inserted rows.
    /// </summary>
    private Func<Dictionary<string, string?>, List<string?[]>>? TieOutQuery(string sql) => sql switch
    {
        _ when sql.StartsWith("SELECT o.financial_year_end_day AS end_day, o.financial_year_end_month AS end_month, ", StringComparison.Ordinal) => YearEnd,
        _ when sql.StartsWith("SELECT l.account_id AS account_id, ANY_VALUE(l.account_code) AS account_code, ", StringComparison.Ordinal) => JournalTotals,
        _ when sql.StartsWith("SELECT j.journal_id AS journal_id, ANY_VALUE(j.journal_number) AS journal_number, ", StringComparison.Ordinal) => AccountJournals,
        _ when sql.StartsWith("SELECT previous + 1 AS first_missing, n - 1 AS last_missing FROM ", StringComparison.Ordinal) => MissingJournalNumbers,
        _ when sql.StartsWith("SELECT MAX(t.as_at) AS agreed FROM ", StringComparison.Ordinal) => LastAgreed,
        _ => null,
    };

    private List<JsonElement> LivePayloads(string table, string tenant) =>
        [.. LatestWithDeletes("xero_raw." + table).Where(e => e.Key.TenantId == tenant && e.Value.DeletedAt is null).Select(e => JsonDocument.Parse(e.Value.Row.Payload).RootElement)];

    private List<string?[]> YearEnd(Dictionary<string, string?> p)
    {
        var tenant = p["tenant"]!;
        var retained = LivePayloads("accounts", tenant)
            .Where(a => a.TryGetProperty("SystemAccount", out var s) && s.GetString() == "RETAINEDEARNINGS")
            .Select(a => a.GetProperty("AccountID").GetString()).Min(StringComparer.Ordinal);
        return [.. LivePayloads("organisation", tenant).Take(1).Select(o => new[]
        {
            o.GetProperty("FinancialYearEndDay").GetInt32().ToString(CultureInfo.InvariantCulture),
            o.GetProperty("FinancialYearEndMonth").GetInt32().ToString(CultureInfo.InvariantCulture),
            retained,
        })];
    }

    private List<(string JournalId, long Number, DateOnly Date, JsonElement Line)> JournalLines(string tenant) =>
        [.. LivePayloads("journals", tenant).SelectMany(j => j.GetProperty("JournalLines").EnumerateArray().Select(l =>
            (j.GetProperty("JournalID").GetString()!, j.GetProperty("JournalNumber").GetInt64(), XeroDate(j.GetProperty("JournalDate").GetString()!), l)))];

    private List<string?[]> JournalTotals(Dictionary<string, string?> p)
    {
        var start = DateOnly.ParseExact(p["start"]!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var date = DateOnly.ParseExact(p["date"]!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        return [.. JournalLines(p["tenant"]!)
            .Where(l => l.Date <= date && l.Line.TryGetProperty("AccountID", out var id) && id.ValueKind == JsonValueKind.String)
            .GroupBy(l => l.Line.GetProperty("AccountID").GetString()!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new[]
            {
                g.Key, Text(g.First().Line, "AccountCode"), Text(g.First().Line, "AccountName"), Text(g.First().Line, "AccountType"),
                g.Where(l => l.Date >= start).Sum(l => l.Line.GetProperty("NetAmount").GetDecimal()).ToString(CultureInfo.InvariantCulture),
                g.Sum(l => l.Line.GetProperty("NetAmount").GetDecimal()).ToString(CultureInfo.InvariantCulture),
            })];
    }

    private List<string?[]> AccountJournals(Dictionary<string, string?> p)
    {
        var from = DateOnly.ParseExact(p["from"]!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = DateOnly.ParseExact(p["to"]!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        return [.. JournalLines(p["tenant"]!)
            .Where(l => Text(l.Line, "AccountID") == p["account"] && l.Date >= from && l.Date <= to)
            .GroupBy(l => l.JournalId, StringComparer.Ordinal)
            .Select(g => (Id: g.Key, g.First().Number, g.First().Date, Amount: g.Sum(l => l.Line.GetProperty("NetAmount").GetDecimal())))
            .OrderBy(j => j.Date).ThenBy(j => j.Number)
            .Select(j => new[] { j.Id, j.Number.ToString(CultureInfo.InvariantCulture), j.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), j.Amount.ToString(CultureInfo.InvariantCulture) })];
    }

    private List<string?[]> MissingJournalNumbers(Dictionary<string, string?> p)
    {
        var held = LivePayloads("journals", p["tenant"]!).Select(j => j.GetProperty("JournalNumber").GetInt64()).Where(n => n >= 1).Distinct().Order().ToList();
        var gaps = new List<string?[]>();
        var previous = 0L;
        foreach (var n in held)
        {
            if (n > previous + 1)
            {
                gaps.Add([(previous + 1).ToString(CultureInfo.InvariantCulture), (n - 1).ToString(CultureInfo.InvariantCulture)]);
            }

            previous = n;
        }

        return gaps;
    }

    private List<string?[]> LastAgreed(Dictionary<string, string?> p)
    {
        bool Matches(JsonElement row) => row.GetProperty("tenant_id").GetString() == p["tenant"] && row.GetProperty("report").GetString() == p["report"];
        var differences = InsertedRows("xero_raw.tie_out_differences").Where(Matches).ToList();
        var agreed = InsertedRows("xero_raw.tie_outs")
            .Where(r => Matches(r) && string.CompareOrdinal(r.GetProperty("as_at").GetString(), p["before"]) < 0
                && r.GetProperty("problem").ValueKind == JsonValueKind.Null && r.GetProperty("missing_scope").ValueKind == JsonValueKind.Null)
            .GroupBy(r => r.GetProperty("as_at").GetString()!, StringComparer.Ordinal)
            .Select(g => g.MaxBy(r => DateTimeOffset.Parse(r.GetProperty("checked_at").GetString()!, CultureInfo.InvariantCulture)))
            .Where(t => !differences.Any(d => d.GetProperty("as_at").GetString() == t.GetProperty("as_at").GetString()
                && d.GetProperty("checked_at").GetString() == t.GetProperty("checked_at").GetString() && d.GetProperty("account_id").GetString() == p["account"]))
            .Select(t => t.GetProperty("as_at").GetString())
            .Max(StringComparer.Ordinal);
        return [[agreed]];
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Xero's <c>/Date(1573755038314+0000)/</c> as its UTC date.</summary>
    private static DateOnly XeroDate(string text) =>
        DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(text.AsSpan(6, text.IndexOfAny(['+', '-', ')'], 7) - 6), CultureInfo.InvariantCulture)).UtcDateTime);

    private static async Task AnswerAsync(HttpContext context, JsonElement root, List<string?[]> rows)
    {
        var answer = new
        {
            jobComplete = true,
            jobReference = new { projectId = "p", jobId = "query-" + Guid.NewGuid().ToString("N"), location = root.TryGetProperty("location", out var at) ? at.GetString() : null },
            rows = rows.Select(r => new { f = r.Select(v => new { v }) }),
            totalRows = rows.Count.ToString(CultureInfo.InvariantCulture),
        };
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(answer), context.RequestAborted);
    }

    private string Problem(string message)
    {
        _problems.Enqueue(message);
        return message;
    }

    private static Task WriteJobAsync(HttpContext context, int status, LoadJobRecord job) =>
        JsonAsync(context, status, new Dictionary<string, object>
        {
            ["kind"] = "bigquery#job",
            ["jobReference"] = new Dictionary<string, object> { ["projectId"] = GoogleEmulators.ProjectId, ["jobId"] = job.JobId, ["location"] = "EU" },
            ["status"] = new Dictionary<string, object> { ["state"] = "DONE" },
            ["statistics"] = new Dictionary<string, object>
            {
                ["load"] = new Dictionary<string, object>
                {
                    ["outputRows"] = job.Rows.ToString(CultureInfo.InvariantCulture),
                    ["inputFiles"] = job.SourceUris.Count.ToString(CultureInfo.InvariantCulture),
                    ["badRecords"] = "0",
                },
            },
        });

    private static Task ErrorAsync(HttpContext context, int status, string message) =>
        JsonAsync(context, status, new Dictionary<string, object>
        {
            ["error"] = new Dictionary<string, object>
            {
                ["code"] = status,
                ["message"] = message,
                ["status"] = status == 409 ? "ALREADY_EXISTS" : status == 404 ? "NOT_FOUND" : "INVALID_ARGUMENT",
                ["errors"] = new[] { new Dictionary<string, object> { ["message"] = message, ["reason"] = status == 409 ? "duplicate" : status == 404 ? "notFound" : "invalid" } },
            },
        });

    private static async Task JsonAsync(HttpContext context, int status, object body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }

    [GeneratedRegex("^/bigquery/v2/projects/[^/]+/datasets$")]
    private static partial Regex DatasetsPath();

    [GeneratedRegex("^/bigquery/v2/projects/[^/]+/datasets/(?<dataset>[^/]+)/tables$")]
    private static partial Regex TablesPath();

    [GeneratedRegex("^/bigquery/v2/projects/[^/]+/datasets/(?<dataset>[^/]+)/tables/(?<table>[^/]+)$")]
    private static partial Regex TablePath();

    [GeneratedRegex("^/bigquery/v2/projects/[^/]+/datasets/(?<dataset>[^/]+)/tables/(?<table>[^/]+)/insertAll$")]
    private static partial Regex InsertAllPath();

    [GeneratedRegex("^/bigquery/v2/projects/[^/]+/queries$")]
    private static partial Regex QueriesPath();

    [GeneratedRegex("^/bigquery/v2/projects/[^/]+/jobs$")]
    private static partial Regex JobsPath();

    [GeneratedRegex("^/bigquery/v2/projects/[^/]+/jobs/(?<job>[^/]+)$")]
    private static partial Regex JobPath();
}

/// <summary>One loaded row; <see cref="Payload"/> is the payload's JSON text exactly as it was in the line.</summary>
public sealed record BigQueryRow(string TenantId, string RecordId, DateTimeOffset? UpdatedAt, string RunId, int Page, DateTimeOffset FetchedAt, string Payload, string SourceUri)
{
    /// <summary>Set on a reconcile's tombstone rows only.</summary>
    public DateTimeOffset? DeletedAt { get; init; }
}

/// <summary>A load job as first inserted.</summary>
public sealed record LoadJobRecord(string JobId, string Table, IReadOnlyList<string> SourceUris, long Rows, int Sequence);
