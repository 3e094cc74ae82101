using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using XeroSync.Google.BigQuery;
using XeroSync.Tests.Google;
using XeroSync.Warehouse;
using XeroSync.Warehouse.BigQuery;
using XeroSync.Xero;

namespace XeroSync.Tests.Warehouse;

public sealed class BigQueryWarehouseTests
{
    private const string JobsPath = "/bigquery/v2/projects/p/jobs";

    private static readonly BigQueryWarehouseOptions Options = new("p", "landing-bucket")
    {
        Location = "EU",
        Poll = new BigQueryPollOptions { InitialDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2), Timeout = TimeSpan.FromSeconds(30) },
    };

    private static XeroEndpoint Invoices => EndpointCatalog.Get("Invoices");

    private static XeroEndpoint Contacts => EndpointCatalog.Get("Contacts");

    private static BigQueryWarehouse Warehouse(TestHttpServer server, BigQueryWarehouseOptions? options = null) =>
        new(GoogleTestClients.BigQuery(server.BaseUri), options ?? Options, TimeProvider.System, NullLogger<BigQueryWarehouse>.Instance);

    private static string JobBody(string jobId, string state, long? outputRows = null, string? errorReason = null)
    {
        var error = errorReason is null ? string.Empty : ",\"errorResult\":{\"reason\":\"" + errorReason + "\",\"message\":\"JSON parsing error in row starting at position 0\"}";
        var load = outputRows is null ? "{}" : "{\"outputRows\":\"" + outputRows.Value.ToString(CultureInfo.InvariantCulture) + "\"}";
        return "{\"jobReference\":{\"projectId\":\"p\",\"jobId\":\"" + jobId + "\",\"location\":\"EU\"},\"status\":{\"state\":\"" + state + "\"" + error + "},\"statistics\":{\"load\":" + load + "}}";
    }

    private static string Lines(IEnumerable<RecordedRequest> requests) => string.Join('\n', requests.Select(r => $"{r.Method} {r.PathAndQuery}"));

    [Fact(Timeout = 60_000)]
    public async Task EnsureTables_creates_datasets_partitioned_clustered_tables_and_latest_views_once_per_process()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestHttpServer.StartAsync(_ => new TestResponse(200));
        var warehouse = Warehouse(server);

        await warehouse.EnsureTablesAsync([Invoices, Contacts], ct);
        await warehouse.EnsureTablesAsync([Invoices, Contacts], ct);
        await warehouse.EnsureTablesAsync([Invoices], ct);

        var requests = server.Requests;
        Assert.Equal(
            """
            POST /bigquery/v2/projects/p/datasets
            POST /bigquery/v2/projects/p/datasets
            POST /bigquery/v2/projects/p/datasets
            POST /bigquery/v2/projects/p/datasets/xero_raw/tables
            POST /bigquery/v2/projects/p/datasets/xero/tables
            POST /bigquery/v2/projects/p/datasets/xero_typed/tables
            POST /bigquery/v2/projects/p/datasets/xero_typed/tables
            POST /bigquery/v2/projects/p/datasets/xero_typed/tables
            POST /bigquery/v2/projects/p/datasets/xero_typed/tables
            POST /bigquery/v2/projects/p/datasets/xero_raw/tables
            POST /bigquery/v2/projects/p/datasets/xero/tables
            POST /bigquery/v2/projects/p/datasets/xero_typed/tables
            POST /bigquery/v2/projects/p/datasets/xero_typed/tables
            POST /bigquery/v2/projects/p/datasets/xero_typed/tables
            """.ReplaceLineEndings("\n"),
            Lines(requests));

        using var raw = JsonDocument.Parse(requests[0].Body);
        Assert.Equal("xero_raw", raw.RootElement.GetProperty("datasetReference").GetProperty("datasetId").GetString());
        Assert.Equal("p", raw.RootElement.GetProperty("datasetReference").GetProperty("projectId").GetString());
        Assert.Equal("EU", raw.RootElement.GetProperty("location").GetString());
        using var views = JsonDocument.Parse(requests[1].Body);
        Assert.Equal("xero", views.RootElement.GetProperty("datasetReference").GetProperty("datasetId").GetString());
        Assert.Equal("EU", views.RootElement.GetProperty("location").GetString());
        using var typed = JsonDocument.Parse(requests[2].Body);
        Assert.Equal("xero_typed", typed.RootElement.GetProperty("datasetReference").GetProperty("datasetId").GetString());
        Assert.Equal("EU", typed.RootElement.GetProperty("location").GetString());

        using var table = JsonDocument.Parse(requests[3].Body);
        var t = table.RootElement;
        Assert.Equal("invoices", t.GetProperty("tableReference").GetProperty("tableId").GetString());
        Assert.Equal("xero_raw", t.GetProperty("tableReference").GetProperty("datasetId").GetString());
        var fields = t.GetProperty("schema").GetProperty("fields").EnumerateArray()
            .Select(f => $"{f.GetProperty("name").GetString()} {f.GetProperty("type").GetString()} {f.GetProperty("mode").GetString()}")
            .ToList();
        Assert.Equal(
            [
                "tenant_id STRING REQUIRED", "record_id STRING REQUIRED", "updated_at TIMESTAMP NULLABLE", "run_id STRING REQUIRED",
                "page INT64 REQUIRED", "fetched_at TIMESTAMP REQUIRED", "payload JSON REQUIRED", "deleted_at TIMESTAMP NULLABLE",
            ],
            fields);
        Assert.Equal("DAY", t.GetProperty("timePartitioning").GetProperty("type").GetString());
        Assert.Equal("fetched_at", t.GetProperty("timePartitioning").GetProperty("field").GetString());
        Assert.Equal(["tenant_id", "record_id"], t.GetProperty("clustering").GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.False(t.TryGetProperty("view", out _));

        using var view = JsonDocument.Parse(requests[4].Body);
        var v = view.RootElement;
        Assert.Equal("xero", v.GetProperty("tableReference").GetProperty("datasetId").GetString());
        Assert.Equal("invoices", v.GetProperty("tableReference").GetProperty("tableId").GetString());
        Assert.False(v.GetProperty("view").GetProperty("useLegacySql").GetBoolean());
        // The latest record row per key from the raw table, flagged by the raw table's tombstones (DuckDB runs the same rule).
        var latest = v.GetProperty("view").GetProperty("query").GetString()!;
        Assert.Contains("ROW_NUMBER() OVER (PARTITION BY tenant_id, record_id ORDER BY updated_at DESC, fetched_at DESC, run_id DESC, page DESC) AS rn FROM `p.xero_raw.invoices` WHERE deleted_at IS NULL", latest, StringComparison.Ordinal);
        Assert.Contains("FROM `p.xero_raw.invoices` WHERE deleted_at IS NOT NULL", latest, StringComparison.Ordinal);
        Assert.Contains("AS deleted_at", latest, StringComparison.Ordinal);
        Assert.False(v.TryGetProperty("schema", out _));

        using var contactsView = JsonDocument.Parse(requests[10].Body);
        Assert.Contains("FROM `p.xero_raw.contacts`", contactsView.RootElement.GetProperty("view").GetProperty("query").GetString(), StringComparison.Ordinal);

        // Typed views: the record view and one per nested array, standard SQL over the latest view.
        var typedViews = requests.Where(r => r.PathAndQuery.EndsWith("/xero_typed/tables", StringComparison.Ordinal))
            .Select(r => JsonDocument.Parse(r.Body).RootElement.Clone())
            .ToList();
        Assert.Equal(
            ["invoices", "invoice_line_items", "invoice_payments", "invoice_line_tracking", "contacts", "contact_addresses", "contact_phones"],
            typedViews.Select(v => v.GetProperty("tableReference").GetProperty("tableId").GetString()));
        Assert.All(typedViews, v =>
        {
            Assert.Equal("xero_typed", v.GetProperty("tableReference").GetProperty("datasetId").GetString());
            Assert.False(v.GetProperty("view").GetProperty("useLegacySql").GetBoolean());
        });
        var lineItems = typedViews[1].GetProperty("view").GetProperty("query").GetString()!;
        Assert.Contains("FROM `p.xero.invoices` AS r CROSS JOIN UNNEST(JSON_QUERY_ARRAY(r.payload, '$.LineItems')) AS element", lineItems, StringComparison.Ordinal);
        Assert.Contains("SAFE_CAST(JSON_VALUE(element, '$.UnitAmount') AS NUMERIC) AS unit_amount", lineItems, StringComparison.Ordinal);
        Assert.Contains("JSON_VALUE(r.payload, '$.InvoiceID') AS invoice_id", lineItems, StringComparison.Ordinal);
        var invoices = typedViews[0].GetProperty("view").GetProperty("query").GetString()!;
        Assert.Contains("SAFE_CAST(JSON_VALUE(r.payload, '$.Total') AS NUMERIC) AS total", invoices, StringComparison.Ordinal);
        Assert.Contains("COALESCE(JSON_VALUE(r.payload, '$.Status') = 'DELETED', FALSE) AS is_deleted", invoices, StringComparison.Ordinal);
        Assert.Contains("FROM `p.xero.invoices` AS r", invoices, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task EnsureTables_treats_409_as_existing_and_replaces_the_view_query()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestHttpServer.StartAsync(r => r.Method == "POST"
            ? new TestResponse(409, """{"error":{"code":409,"message":"Already Exists","status":"ALREADY_EXISTS"}}""")
            : new TestResponse(200));
        var warehouse = Warehouse(server, Options with { RawDataset = "raw_x", ViewsDataset = "views_x", TypedDataset = "typed_x" });

        await warehouse.EnsureTablesAsync([Invoices], ct);

        var requests = server.Requests;
        Assert.Equal(
            """
            POST /bigquery/v2/projects/p/datasets
            POST /bigquery/v2/projects/p/datasets
            POST /bigquery/v2/projects/p/datasets
            POST /bigquery/v2/projects/p/datasets/raw_x/tables
            POST /bigquery/v2/projects/p/datasets/views_x/tables
            PUT /bigquery/v2/projects/p/datasets/views_x/tables/invoices
            POST /bigquery/v2/projects/p/datasets/typed_x/tables
            PUT /bigquery/v2/projects/p/datasets/typed_x/tables/invoices
            POST /bigquery/v2/projects/p/datasets/typed_x/tables
            PUT /bigquery/v2/projects/p/datasets/typed_x/tables/invoice_line_items
            POST /bigquery/v2/projects/p/datasets/typed_x/tables
            PUT /bigquery/v2/projects/p/datasets/typed_x/tables/invoice_payments
            POST /bigquery/v2/projects/p/datasets/typed_x/tables
            PUT /bigquery/v2/projects/p/datasets/typed_x/tables/invoice_line_tracking
            """.ReplaceLineEndings("\n"),
            Lines(requests));
        using var put = JsonDocument.Parse(requests[5].Body);
        Assert.Contains("FROM `p.raw_x.invoices`", put.RootElement.GetProperty("view").GetProperty("query").GetString(), StringComparison.Ordinal);
        using var typedPut = JsonDocument.Parse(requests[9].Body);
        Assert.Contains("FROM `p.views_x.invoices` AS r CROSS JOIN UNNEST", typedPut.RootElement.GetProperty("view").GetProperty("query").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Load_inserts_one_deterministic_job_of_gs_uris_then_polls_it_for_rows()
    {
        var ct = TestContext.Current.CancellationToken;
        var gets = 0;
        await using var server = await TestHttpServer.StartAsync(r => r.PathAndQuery switch
        {
            JobsPath => new TestResponse(200, JobBody("xerosync_abc", "PENDING")),
            var p when p.StartsWith(JobsPath + "/", StringComparison.Ordinal) =>
                Interlocked.Increment(ref gets) < 3 ? new TestResponse(200, JobBody("xerosync_abc", "RUNNING")) : new TestResponse(200, JobBody("xerosync_abc", "DONE", 2500)),
            _ => new TestResponse(200),
        });
        var warehouse = Warehouse(server);
        string[] objects =
        [
            "xero/invoices/tenant=t-1/run=r-1/page-00001.ndjson.gz",
            "xero/invoices/tenant=t-1/run=r-1/page-00002.ndjson.gz",
            "xero/invoices/tenant=t-1/run=r-1/page-00003.ndjson.gz",
        ];

        var rows = await warehouse.LoadAsync(new LoadJob("xerosync_abc", Invoices, objects, 2500), ct);

        Assert.Equal(2500, rows);
        var jobRequests = server.Requests.Where(r => r.PathAndQuery.StartsWith(JobsPath, StringComparison.Ordinal)).ToList();
        Assert.Equal(
            """
            POST /bigquery/v2/projects/p/jobs
            GET /bigquery/v2/projects/p/jobs/xerosync_abc?location=EU
            GET /bigquery/v2/projects/p/jobs/xerosync_abc?location=EU
            GET /bigquery/v2/projects/p/jobs/xerosync_abc?location=EU
            """.ReplaceLineEndings("\n"),
            Lines(jobRequests));
        using var insert = JsonDocument.Parse(jobRequests[0].Body);
        var reference = insert.RootElement.GetProperty("jobReference");
        Assert.Equal("xerosync_abc", reference.GetProperty("jobId").GetString());
        Assert.Equal("EU", reference.GetProperty("location").GetString());
        Assert.Equal("p", reference.GetProperty("projectId").GetString());
        var load = insert.RootElement.GetProperty("configuration").GetProperty("load");
        Assert.Equal(objects.Select(o => "gs://landing-bucket/" + o), load.GetProperty("sourceUris").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal("NEWLINE_DELIMITED_JSON", load.GetProperty("sourceFormat").GetString());
        Assert.Equal("WRITE_APPEND", load.GetProperty("writeDisposition").GetString());
        Assert.Equal(0, load.GetProperty("maxBadRecords").GetInt32());
        Assert.False(load.GetProperty("ignoreUnknownValues").GetBoolean());
        Assert.Equal("xero_raw", load.GetProperty("destinationTable").GetProperty("datasetId").GetString());
        Assert.Equal("invoices", load.GetProperty("destinationTable").GetProperty("tableId").GetString());
        Assert.Equal(
            ["tenant_id", "record_id", "updated_at", "run_id", "page", "fetched_at", "payload", "deleted_at"],
            load.GetProperty("schema").GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        Assert.Equal(["ALLOW_FIELD_ADDITION"], load.GetProperty("schemaUpdateOptions").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal("fetched_at", load.GetProperty("timePartitioning").GetProperty("field").GetString());
        Assert.Equal(["tenant_id", "record_id"], load.GetProperty("clustering").GetProperty("fields").EnumerateArray().Select(f => f.GetString()));

        // The load ensured the table and views first (once): three datasets, the raw table, the latest view and the
        // four typed views over invoices (invoices, invoice_line_items, invoice_payments, invoice_line_tracking).
        Assert.Equal(9, server.Requests.Count(r => !r.PathAndQuery.StartsWith(JobsPath, StringComparison.Ordinal)));
    }

    [Fact(Timeout = 60_000)]
    public async Task Load_of_a_job_id_that_already_succeeded_returns_its_rows_without_appending_again()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestHttpServer.StartAsync(r => r.PathAndQuery switch
        {
            JobsPath => new TestResponse(409, """{"error":{"code":409,"message":"Already Exists: Job p:EU.xerosync_abc","status":"ALREADY_EXISTS"}}"""),
            var p when p.StartsWith(JobsPath + "/", StringComparison.Ordinal) => new TestResponse(200, JobBody("xerosync_abc", "DONE", 17)),
            _ => new TestResponse(200),
        });
        var warehouse = Warehouse(server);

        var rows = await warehouse.LoadAsync(new LoadJob("xerosync_abc", Invoices, ["xero/invoices/tenant=t-1/run=r-1/page-00001.ndjson.gz"], 17), ct);

        Assert.Equal(17, rows);
        Assert.Equal(
            """
            POST /bigquery/v2/projects/p/jobs
            GET /bigquery/v2/projects/p/jobs/xerosync_abc?location=EU
            """.ReplaceLineEndings("\n"),
            Lines(server.Requests.Where(r => r.PathAndQuery.StartsWith(JobsPath, StringComparison.Ordinal))));
    }

    [Fact(Timeout = 60_000)]
    public async Task Load_of_a_job_id_that_already_failed_throws_saying_a_retry_cannot_succeed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestHttpServer.StartAsync(r => r.PathAndQuery switch
        {
            JobsPath => new TestResponse(409, """{"error":{"code":409,"message":"Already Exists: Job p:EU.xerosync_abc","status":"ALREADY_EXISTS"}}"""),
            var p when p.StartsWith(JobsPath + "/", StringComparison.Ordinal) => new TestResponse(200, JobBody("xerosync_abc", "DONE", errorReason: "invalid")),
            _ => new TestResponse(200),
        });
        var warehouse = Warehouse(server);

        var e = await Assert.ThrowsAsync<BigQueryLoadFailedException>(() =>
            warehouse.LoadAsync(new LoadJob("xerosync_abc", Invoices, ["xero/invoices/tenant=t-1/run=r-1/page-00001.ndjson.gz"], 17), ct));

        Assert.Equal("xerosync_abc", e.JobId);
        Assert.Equal("invalid", e.Error?.Reason);
        Assert.Contains("can never succeed", e.Message, StringComparison.Ordinal);
        Assert.Contains("xero_raw.invoices", e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Load_of_a_new_job_that_fails_while_polled_throws_the_same_clear_error()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestHttpServer.StartAsync(r => r.PathAndQuery switch
        {
            JobsPath => new TestResponse(200, JobBody("xerosync_abc", "RUNNING")),
            var p when p.StartsWith(JobsPath + "/", StringComparison.Ordinal) => new TestResponse(200, JobBody("xerosync_abc", "DONE", errorReason: "invalid")),
            _ => new TestResponse(200),
        });
        var warehouse = Warehouse(server);

        var e = await Assert.ThrowsAsync<BigQueryLoadFailedException>(() =>
            warehouse.LoadAsync(new LoadJob("xerosync_abc", Invoices, ["xero/invoices/tenant=t-1/run=r-1/page-00001.ndjson.gz"], 17), ct));

        Assert.IsType<BigQueryJobFailedException>(e.InnerException);
        Assert.Contains("can never succeed", e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Load_of_more_than_10000_objects_splits_into_deterministic_numbered_jobs_and_sums_rows()
    {
        var ct = TestContext.Current.CancellationToken;
        var inserted = new ConcurrentDictionary<string, int>();
        await using var server = await TestHttpServer.StartAsync(r =>
        {
            if (r.PathAndQuery == JobsPath)
            {
                using var body = JsonDocument.Parse(r.Body);
                var id = body.RootElement.GetProperty("jobReference").GetProperty("jobId").GetString()!;
                var uris = body.RootElement.GetProperty("configuration").GetProperty("load").GetProperty("sourceUris").GetArrayLength();
                inserted[id] = uris;
                return new TestResponse(200, JobBody(id, "DONE", uris * 10L));
            }

            return new TestResponse(200);
        });
        var warehouse = Warehouse(server);
        var objects = Enumerable.Range(1, 20_001).Select(i => $"xero/invoices/tenant=t-1/run=r-1/page-{i:D5}.ndjson.gz").ToList();

        var rows = await warehouse.LoadAsync(new LoadJob("xerosync_big", Invoices, objects, 200_010), ct);

        Assert.Equal(200_010, rows);
        Assert.Equal(
            new Dictionary<string, int> { ["xerosync_big_0"] = 10_000, ["xerosync_big_1"] = 10_000, ["xerosync_big_2"] = 1 },
            inserted.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary());
        Assert.Equal(["xerosync_big"], BigQueryWarehouse.JobIds("xerosync_big", 10_000));
        Assert.Equal(["xerosync_big_0", "xerosync_big_1"], BigQueryWarehouse.JobIds("xerosync_big", 10_001));
    }

    [Fact(Timeout = 60_000)]
    public async Task Load_rejects_invalid_job_ids_and_wildcard_object_names_before_calling_BigQuery()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestHttpServer.StartAsync(_ => new TestResponse(200));
        var warehouse = Warehouse(server);

        await Assert.ThrowsAsync<ArgumentException>(() => warehouse.LoadAsync(new LoadJob("bad id!", Invoices, ["xero/a.ndjson.gz"], 1), ct));
        Assert.Empty(server.Requests);
        await Assert.ThrowsAsync<ArgumentException>(() => warehouse.LoadAsync(new LoadJob("ok", Invoices, ["xero/*.ndjson.gz"], 1), ct));
        Assert.Empty(server.Requests);
    }
}
