using System.Text.Json;
using XeroSync.Google.BigQuery;

namespace XeroSync.Tests.Google;

public sealed class BigQueryClientTests
{
    private static readonly BigQueryField[] Schema =
    [
        new("tenant_id", "STRING", "REQUIRED"),
        new("record_id", "STRING", "REQUIRED"),
        new("updated_at", "TIMESTAMP"),
        new("run_id", "STRING"),
        new("page", "INT64"),
        new("fetched_at", "TIMESTAMP"),
        new("payload", "JSON"),
    ];

    private static readonly BigQueryPollOptions FastPoll = new() { InitialDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(20), Timeout = TimeSpan.FromSeconds(10) };

    private static BigQueryLoadConfiguration Load() =>
        new(["gs://bucket/xero/invoices/tenant=t/run=r/page-00001.ndjson.gz"], "xero_raw", "invoices", Schema) { TimePartitioningField = "fetched_at", ClusteringFields = ["tenant_id", "record_id"] };

    private static string JobBody(string state, string? outputRows = null, string? errorReason = null)
    {
        var error = errorReason is null ? string.Empty : ",\"errorResult\":{\"reason\":\"" + errorReason + "\",\"message\":\"bad row\"},\"errors\":[{\"reason\":\"" + errorReason + "\",\"message\":\"bad row\"}]";
        var load = outputRows is null ? "{}" : "{\"outputRows\":\"" + outputRows + "\",\"inputFiles\":\"1\"}";
        return "{\"kind\":\"bigquery#job\",\"jobReference\":{\"projectId\":\"p\",\"jobId\":\"load_abc\",\"location\":\"EU\"},\"status\":{\"state\":\"" + state + "\"" + error + "},\"statistics\":{\"load\":" + load + "}}";
    }

    [Fact(Timeout = 60_000)]
    public async Task InsertJob_posts_a_load_job_with_the_expected_shape()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestHttpServer.StartAsync(_ => new TestResponse(200, JobBody("RUNNING")));
        var client = GoogleTestClients.BigQuery(server.BaseUri);

        var job = await client.InsertJobAsync("load_abc", Load(), "EU", ct);

        Assert.Equal("RUNNING", job.State);
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/bigquery/v2/projects/p/jobs", request.PathAndQuery);
        var root = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal("load_abc", root.GetProperty("jobReference").GetProperty("jobId").GetString());
        Assert.Equal("EU", root.GetProperty("jobReference").GetProperty("location").GetString());
        var load = root.GetProperty("configuration").GetProperty("load");
        Assert.Equal("NEWLINE_DELIMITED_JSON", load.GetProperty("sourceFormat").GetString());
        Assert.Equal("WRITE_APPEND", load.GetProperty("writeDisposition").GetString());
        Assert.Equal(0, load.GetProperty("maxBadRecords").GetInt32());
        Assert.Equal("gs://bucket/xero/invoices/tenant=t/run=r/page-00001.ndjson.gz", load.GetProperty("sourceUris")[0].GetString());
        Assert.Equal("invoices", load.GetProperty("destinationTable").GetProperty("tableId").GetString());
        Assert.Equal("xero_raw", load.GetProperty("destinationTable").GetProperty("datasetId").GetString());
        Assert.Equal(7, load.GetProperty("schema").GetProperty("fields").GetArrayLength());
        Assert.Equal("JSON", load.GetProperty("schema").GetProperty("fields")[6].GetProperty("type").GetString());
        Assert.Equal("DAY", load.GetProperty("timePartitioning").GetProperty("type").GetString());
        Assert.Equal("fetched_at", load.GetProperty("timePartitioning").GetProperty("field").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task InsertJob_treats_409_already_exists_as_the_existing_job()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestHttpServer.StartAsync(r => r.Method == "POST"
            ? new TestResponse(409, """{"error":{"code":409,"message":"Already Exists: Job p:EU.load_abc","errors":[{"reason":"duplicate"}],"status":"ALREADY_EXISTS"}}""")
            : new TestResponse(200, JobBody("DONE", "42")));
        var client = GoogleTestClients.BigQuery(server.BaseUri);

        var job = await client.InsertJobAsync("load_abc", Load(), "EU", ct);

        Assert.True(job.IsDone);
        Assert.Equal(42, job.OutputRows);
        Assert.Equal(["POST /bigquery/v2/projects/p/jobs", "GET /bigquery/v2/projects/p/jobs/load_abc?location=EU"], server.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
    }

    [Fact(Timeout = 60_000)]
    public async Task PollJob_waits_until_done_and_returns_output_rows()
    {
        var ct = TestContext.Current.CancellationToken;
        var calls = 0;
        await using var server = await TestHttpServer.StartAsync(_ => Interlocked.Increment(ref calls) < 3 ? new TestResponse(200, JobBody("RUNNING")) : new TestResponse(200, JobBody("DONE", "1234")));
        var client = GoogleTestClients.BigQuery(server.BaseUri);

        var rows = await client.PollJobAsync("load_abc", "EU", FastPoll, ct);

        Assert.Equal(1234, rows);
        Assert.Equal(3, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal("GET /bigquery/v2/projects/p/jobs/load_abc?location=EU", $"{r.Method} {r.PathAndQuery}"));
    }

    [Fact(Timeout = 60_000)]
    public async Task PollJob_throws_with_the_error_result()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestHttpServer.StartAsync(_ => new TestResponse(200, JobBody("DONE", errorReason: "invalid")));
        var client = GoogleTestClients.BigQuery(server.BaseUri);

        var error = await Assert.ThrowsAsync<BigQueryJobFailedException>(() => client.PollJobAsync("load_abc", "EU", FastPoll, ct));
        Assert.Equal("invalid", error.Error!.Reason);
        Assert.Equal("bad row", error.Error.Message);
    }

    [Fact(Timeout = 60_000)]
    public async Task Creates_dataset_partitioned_table_and_view_treating_409_as_existing()
    {
        var ct = TestContext.Current.CancellationToken;
        var exists = new HashSet<string>();
        await using var server = await TestHttpServer.StartAsync(r =>
            r.Method == "POST" && !exists.Add(r.PathAndQuery + JsonDocument.Parse(r.Body).RootElement.ToString().Length)
                ? new TestResponse(409, """{"error":{"code":409,"message":"Already Exists","status":"ALREADY_EXISTS"}}""")
                : new TestResponse(200, "{}"));
        var client = GoogleTestClients.BigQuery(server.BaseUri);

        Assert.True(await client.CreateDatasetIfAbsentAsync("xero_raw", "EU", ct));
        Assert.False(await client.CreateDatasetIfAbsentAsync("xero_raw", "EU", ct));
        Assert.True(await client.CreateTableIfAbsentAsync("xero_raw", "invoices", Schema, "fetched_at", ["tenant_id", "record_id"], ct));
        Assert.False(await client.CreateTableIfAbsentAsync("xero_raw", "invoices", Schema, "fetched_at", ["tenant_id", "record_id"], ct));
        const string Query = "SELECT * FROM xero_raw.invoices QUALIFY ROW_NUMBER() OVER (PARTITION BY tenant_id, record_id ORDER BY updated_at DESC, fetched_at DESC) = 1";
        Assert.True(await client.CreateViewIfAbsentAsync("xero", "invoices", Query, replace: true, ct));
        Assert.False(await client.CreateViewIfAbsentAsync("xero", "invoices", Query, replace: true, ct));

        var requests = server.Requests;
        Assert.Equal("POST /bigquery/v2/projects/p/datasets", $"{requests[0].Method} {requests[0].PathAndQuery}");
        var dataset = JsonDocument.Parse(requests[0].Body).RootElement;
        Assert.Equal("xero_raw", dataset.GetProperty("datasetReference").GetProperty("datasetId").GetString());
        Assert.Equal("EU", dataset.GetProperty("location").GetString());
        Assert.Equal("POST /bigquery/v2/projects/p/datasets/xero_raw/tables", $"{requests[2].Method} {requests[2].PathAndQuery}");
        var table = JsonDocument.Parse(requests[2].Body).RootElement;
        Assert.Equal("DAY", table.GetProperty("timePartitioning").GetProperty("type").GetString());
        Assert.Equal("fetched_at", table.GetProperty("timePartitioning").GetProperty("field").GetString());
        Assert.Equal(["tenant_id", "record_id"], table.GetProperty("clustering").GetProperty("fields").EnumerateArray().Select(e => e.GetString()));
        var view = JsonDocument.Parse(requests[4].Body).RootElement.GetProperty("view");
        Assert.Equal(Query, view.GetProperty("query").GetString());
        Assert.False(view.GetProperty("useLegacySql").GetBoolean());
        Assert.Equal("PUT /bigquery/v2/projects/p/datasets/xero/tables/invoices", $"{requests[^1].Method} {requests[^1].PathAndQuery}");
    }

    [Theory]
    [InlineData("load_abc-123", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("dots.not.allowed", false)]
    public void Job_ids_follow_the_bigquery_rules(string jobId, bool valid)
    {
        Assert.Equal(valid, BigQueryClient.IsValidJobId(jobId));
        Assert.True(BigQueryClient.IsValidJobId(new string('a', 1024)));
        Assert.False(BigQueryClient.IsValidJobId(new string('a', 1025)));
    }
}
