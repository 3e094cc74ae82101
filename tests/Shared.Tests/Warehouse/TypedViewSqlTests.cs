using XeroSync.Warehouse.BigQuery;
using XeroSync.Warehouse.Local;
using XeroSync.Warehouse.Typed;
using XeroSync.Xero;

namespace XeroSync.Tests.Warehouse;

/// <summary>
/// The BigQuery flavour of every typed view, analysed by ZetaSQL (GoogleSQL's reference analyzer) against the raw tables'
/// and latest views' schemas: functions, argument types, tables and columns must all resolve, not only parse.
/// </summary>
public sealed class TypedViewSqlTests
{
    /// <summary>Child views the issue asks for, named here independently of the catalog.</summary>
    private static readonly string[] RequiredChildViews =
    [
        "invoice_line_items", "credit_note_line_items", "bank_transaction_line_items", "journal_lines",
        "overpayment_allocations", "prepayment_allocations", "contact_addresses", "contact_phones", "tracking_category_options", "budget_lines", "contact_group_members",
        "invoice_line_tracking", "credit_note_line_tracking", "bank_transaction_line_tracking", "manual_journal_line_tracking", "journal_line_tracking",
        "budget_line_periods",
    ];

    [Fact(Timeout = 120_000)]
    public async Task Every_bigquery_typed_view_is_a_valid_query_with_the_described_columns()
    {
        var statements = EndpointCatalog.Tables
            .SelectMany(e => BigQueryWarehouse.TypedViewsSql(BigQueryTestCatalog.Project, "xero", e.TableName))
            .Select(v => (v.View, v.Sql))
            .ToList();
        Assert.All(EndpointCatalog.All, e => Assert.Contains(statements, s => s.View == e.TableName));
        Assert.All(RequiredChildViews, name => Assert.Contains(statements, s => s.View == name));

        var parsed = await BigQuerySqlAnalyzer.AnalyzeAsync(BigQueryTestCatalog.Tables(), [], statements, TestContext.Current.CancellationToken);
        Assert.Equal(statements.Count, parsed.Count);
        foreach (var view in TypedViewCatalog.All)
        {
            var result = parsed[view.Name];
            Assert.True(result.Error is null, $"xero_typed.{view.Name} is not valid BigQuery SQL: {result.Error}");
            Assert.Equal(TypedSqlDialect.ColumnNames(view), result.Columns);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task The_analyzer_rejects_the_duckdb_flavour_so_a_pass_means_bigquery()
    {
        var view = TypedViewCatalog.All.First(v => v.Name == "invoice_line_items");
        var parsed = await BigQuerySqlAnalyzer.AnalyzeAsync(
            BigQueryTestCatalog.Tables(),
            [],
            [
                ("duckdb", DuckDbTypedDialect.Instance.ViewSql(view, $"`{BigQueryTestCatalog.Project}.xero.invoices`")),
                ("bigquery", BigQueryTypedDialect.Instance.ViewSql(view, $"`{BigQueryTestCatalog.Project}.xero.invoices`")),
            ],
            TestContext.Current.CancellationToken);
        Assert.NotNull(parsed["duckdb"].Error);
        Assert.Null(parsed["bigquery"].Error);
    }

    /// <summary>
    /// Negative controls: what a parser alone accepts (a parser such as node-sql-parser accepts all three) is refused: an unknown function,
    /// a malformed JSONPath, a function called without its arguments; and so are an unknown column, a wrong argument type
    /// and a typed view whose one function name is misspelt.
    /// </summary>
    [Fact(Timeout = 120_000)]
    public async Task The_analyzer_refuses_what_a_parser_alone_accepts()
    {
        var from = $"FROM `{BigQueryTestCatalog.Project}.xero.invoices`";
        var invoices = BigQueryWarehouse.TypedViewsSql(BigQueryTestCatalog.Project, "xero", "invoices").Single(v => v.View == "invoices").Sql;
        Assert.Contains("JSON_VALUE(", invoices, StringComparison.Ordinal);
        var parsed = await BigQuerySqlAnalyzer.AnalyzeAsync(
            BigQueryTestCatalog.Tables(),
            [],
            [
                ("valid", $"SELECT SUBSTR(JSON_VALUE(payload, '$.Contact.Name'), 1, 3) AS name, PARSE_TIMESTAMP('%Y', '2026') AS parsed_at {from}"),
                ("unknown_function", $"SELECT PARSE_TIMESTAMPZZ('%Y', '2026') AS parsed_at {from}"),
                ("malformed_json_path", $"SELECT JSON_VALUE(payload, '$..Contact[') AS name {from}"),
                ("no_arguments", $"SELECT SUBSTR() AS name {from}"),
                ("unknown_column", $"SELECT contact_name {from}"),
                ("wrong_argument_type", $"SELECT DATE_DIFF(payload, fetched_at, DAY) AS days {from}"),
                ("misspelt_view", invoices.Replace("JSON_VALUE(", "JSON_VALU(", StringComparison.Ordinal)),
            ],
            TestContext.Current.CancellationToken);
        Assert.True(parsed["valid"].Error is null, parsed["valid"].Error);
        Assert.Contains("PARSE_TIMESTAMPZZ", parsed["unknown_function"].Error, StringComparison.Ordinal);
        Assert.Contains("is not a JSONPath", parsed["malformed_json_path"].Error, StringComparison.Ordinal);
        Assert.Contains("SUBSTR", parsed["no_arguments"].Error, StringComparison.Ordinal);
        Assert.Contains("contact_name", parsed["unknown_column"].Error, StringComparison.Ordinal);
        Assert.Contains("DATE_DIFF", parsed["wrong_argument_type"].Error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("JSON_VALU", parsed["misspelt_view"].Error, StringComparison.OrdinalIgnoreCase);
    }
}
