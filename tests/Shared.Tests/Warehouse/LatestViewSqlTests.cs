using XeroSync.Warehouse.BigQuery;
using XeroSync.Xero;

namespace XeroSync.Tests.Warehouse;

/// <summary>
/// The BigQuery latest views (with the reconcile's deleted_at), the reconcile's live-id query and the plans' live-record
/// count, analysed by ZetaSQL
/// against the raw tables' schemas: each is a valid query with the columns the design's contract names.
/// </summary>
public sealed class LatestViewSqlTests
{
    /// <summary>The latest view's columns: the raw table's contract columns, then deleted_at (DESIGN.md, README "Reconcile").</summary>
    private static readonly string[] LatestColumns = ["tenant_id", "record_id", "updated_at", "run_id", "page", "fetched_at", "payload", "deleted_at"];

    [Fact(Timeout = 120_000)]
    public async Task Every_bigquery_latest_view_and_the_live_record_queries_are_valid_with_the_contract_columns()
    {
        var statements = EndpointCatalog.Tables
            .Select(e => (e.TableName, BigQueryWarehouse.LatestViewSql(BigQueryTestCatalog.Project, "xero_raw", e.TableName)))
            .Append(("live_ids", BigQueryWarehouse.LiveIdsSql(BigQueryTestCatalog.Project, "xero", "invoices")))
            .Append(("live_count", BigQueryWarehouse.LiveCountSql(BigQueryTestCatalog.Project, "xero", "invoices")))
            .ToList();

        var parsed = await BigQuerySqlAnalyzer.AnalyzeAsync(BigQueryTestCatalog.Tables(), BigQueryTestCatalog.Parameters, statements, TestContext.Current.CancellationToken);
        foreach (var endpoint in EndpointCatalog.Tables)
        {
            var result = parsed[endpoint.TableName];
            Assert.True(result.Error is null, $"xero.{endpoint.TableName} is not valid BigQuery SQL: {result.Error}");
            Assert.Equal(LatestColumns, result.Columns);
        }

        Assert.True(parsed["live_ids"].Error is null, $"the live-id query is not valid BigQuery SQL: {parsed["live_ids"].Error}");
        Assert.True(parsed["live_count"].Error is null, $"the live-record count is not valid BigQuery SQL: {parsed["live_count"].Error}");
        Assert.Equal(["records"], parsed["live_count"].Columns);
    }
}
