using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using XeroSync.Google.BigQuery;
using XeroSync.Tests.Google;
using XeroSync.Warehouse.BigQuery;
using XeroSync.Xero;

namespace XeroSync.Tests.Warehouse;

/// <summary>
/// The reconcile's live-id query and the plans' live-record count at the HTTP boundary (BigQuery REST <c>jobs.query</c>
/// and <c>getQueryResults</c>, as documented at cloud.google.com/bigquery/docs/reference/rest/v2/jobs/query): named
/// parameters, never text spliced into SQL; an unfinished query is waited for and every page of rows is read.
/// </summary>
public sealed class BigQueryLiveIdsTests
{
    private const string QueriesPath = "/bigquery/v2/projects/p/queries";

    [Fact(Timeout = 60_000)]
    public async Task Live_ids_come_from_a_parameterised_query_read_to_its_last_page()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestHttpServer.StartAsync(request => request switch
        {
            { Method: "POST", PathAndQuery: QueriesPath } => new TestResponse(200, """{"jobComplete":false,"jobReference":{"projectId":"p","jobId":"q1","location":"EU"}}"""),
            { Method: "GET" } when request.PathAndQuery.StartsWith(QueriesPath + "/q1?", StringComparison.Ordinal) && !request.PathAndQuery.Contains("pageToken", StringComparison.Ordinal) =>
                new TestResponse(200, """{"jobComplete":true,"jobReference":{"projectId":"p","jobId":"q1","location":"EU"},"pageToken":"t2","rows":[{"f":[{"v":"id-a"}]},{"f":[{"v":"id-b"}]}]}"""),
            { Method: "GET" } when request.PathAndQuery.Contains("pageToken=t2", StringComparison.Ordinal) =>
                new TestResponse(200, """{"jobComplete":true,"jobReference":{"projectId":"p","jobId":"q1","location":"EU"},"rows":[{"f":[{"v":"id-c"}]},{"f":[{"v":null}]}]}"""),
            _ => new TestResponse(200),
        });
        var warehouse = new BigQueryWarehouse(
            GoogleTestClients.BigQuery(server.BaseUri),
            new BigQueryWarehouseOptions("p", "landing-bucket") { Location = "EU" },
            TimeProvider.System,
            NullLogger<BigQueryWarehouse>.Instance);
        var tenant = "5f8e2a1c-0d9b-4c3e-8a7f-1b2c3d4e5f60";

        var ids = await warehouse.GetLiveIdsAsync(tenant, EndpointCatalog.Get("Invoices"), new DateTimeOffset(2026, 11, 2, 9, 30, 0, TimeSpan.Zero), ct);

        Assert.Equal(["id-a", "id-b", "id-c"], ids);
        var queries = server.Requests.Where(r => r.PathAndQuery.StartsWith(QueriesPath, StringComparison.Ordinal)).ToList();
        Assert.Equal(3, queries.Count);
        Assert.All(queries.Skip(1), r => Assert.Contains("location=EU", r.PathAndQuery, StringComparison.Ordinal));
        using var body = JsonDocument.Parse(queries[0].Body);
        var root = body.RootElement;
        Assert.False(root.GetProperty("useLegacySql").GetBoolean());
        Assert.Equal("NAMED", root.GetProperty("parameterMode").GetString());
        Assert.Equal("EU", root.GetProperty("location").GetString());
        var sql = root.GetProperty("query").GetString()!;
        Assert.Contains("FROM `p.xero.invoices`", sql, StringComparison.Ordinal);
        Assert.DoesNotContain(tenant, sql, StringComparison.Ordinal);
        var parameters = root.GetProperty("queryParameters").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => (p.GetProperty("parameterType").GetProperty("type").GetString(), p.GetProperty("parameterValue").GetProperty("value").GetString()));
        Assert.Equal(("STRING", tenant), parameters["tenant"]);
        Assert.Equal(("TIMESTAMP", "2026-11-02 09:30:00.000000+00"), parameters["before"]);
        Assert.Contains("@tenant", sql, StringComparison.Ordinal);
        Assert.Contains("@before", sql, StringComparison.Ordinal);
    }

    /// <summary>
    /// The plans' live-record count is one parameterised query answering one row (BigQuery returns an INT64 cell as its
    /// decimal text), over the same latest view and parameters as the live ids; no id list is read.
    /// </summary>
    [Fact(Timeout = 60_000)]
    public async Task Live_record_count_is_one_parameterised_query_answering_one_row()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestHttpServer.StartAsync(request => request switch
        {
            { Method: "POST", PathAndQuery: QueriesPath } => new TestResponse(200, """{"jobComplete":true,"jobReference":{"projectId":"p","jobId":"q1","location":"EU"},"rows":[{"f":[{"v":"12345"}]}]}"""),
            _ => new TestResponse(200),
        });
        var warehouse = new BigQueryWarehouse(
            GoogleTestClients.BigQuery(server.BaseUri),
            new BigQueryWarehouseOptions("p", "landing-bucket") { Location = "EU" },
            TimeProvider.System,
            NullLogger<BigQueryWarehouse>.Instance);
        var tenant = "5f8e2a1c-0d9b-4c3e-8a7f-1b2c3d4e5f60";

        var count = await warehouse.CountLiveRecordsAsync(tenant, EndpointCatalog.Get("Invoices"), new DateTimeOffset(2026, 11, 2, 9, 30, 0, TimeSpan.Zero), ct);

        Assert.Equal(12345, count);
        var queries = server.Requests.Where(r => r.PathAndQuery.StartsWith(QueriesPath, StringComparison.Ordinal)).ToList();
        Assert.Single(queries);
        using var body = JsonDocument.Parse(queries[0].Body);
        var root = body.RootElement;
        Assert.False(root.GetProperty("useLegacySql").GetBoolean());
        Assert.Equal("NAMED", root.GetProperty("parameterMode").GetString());
        var sql = root.GetProperty("query").GetString()!;
        Assert.StartsWith("SELECT COUNT(*)", sql, StringComparison.Ordinal);
        Assert.Contains("FROM `p.xero.invoices`", sql, StringComparison.Ordinal);
        Assert.DoesNotContain(tenant, sql, StringComparison.Ordinal);
        var parameters = root.GetProperty("queryParameters").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => (p.GetProperty("parameterType").GetProperty("type").GetString(), p.GetProperty("parameterValue").GetProperty("value").GetString()));
        Assert.Equal(("STRING", tenant), parameters["tenant"]);
        Assert.Equal(("TIMESTAMP", "2026-11-02 09:30:00.000000+00"), parameters["before"]);
        Assert.Contains("@tenant", sql, StringComparison.Ordinal);
        Assert.Contains("@before", sql, StringComparison.Ordinal);
    }
}
