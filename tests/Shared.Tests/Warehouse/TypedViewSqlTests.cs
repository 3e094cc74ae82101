using XeroSync.Warehouse.BigQuery;
using XeroSync.Warehouse.Local;
using XeroSync.Warehouse.Typed;
using XeroSync.Xero;

namespace XeroSync.Tests.Warehouse;

/// <summary>The BigQuery flavour of every typed view, checked by a real BigQuery-dialect parser (node-sql-parser).</summary>
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
    public async Task Every_bigquery_typed_view_parses_as_one_select_with_the_described_columns()
    {
        var statements = EndpointCatalog.Tables
            .SelectMany(e => BigQueryWarehouse.TypedViewsSql("my-project", "xero", e.TableName))
            .Select(v => (v.View, v.Sql))
            .ToList();
        Assert.All(EndpointCatalog.All, e => Assert.Contains(statements, s => s.View == e.TableName));
        Assert.All(RequiredChildViews, name => Assert.Contains(statements, s => s.View == name));

        var parsed = await BigQuerySqlParser.ParseAsync(statements, TestContext.Current.CancellationToken);
        Assert.Equal(statements.Count, parsed.Count);
        foreach (var view in TypedViewCatalog.All)
        {
            var result = parsed[view.Name];
            Assert.True(result.Error is null, $"xero_typed.{view.Name} is not valid BigQuery SQL: {result.Error}");
            Assert.Equal(TypedSqlDialect.ColumnNames(view), result.Columns);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task The_parser_rejects_the_duckdb_flavour_so_a_pass_means_bigquery_syntax()
    {
        var view = TypedViewCatalog.All.First(v => v.Name == "invoice_line_items");
        var parsed = await BigQuerySqlParser.ParseAsync(
            [
                ("duckdb", DuckDbTypedDialect.Instance.ViewSql(view, "xero.invoices")),
                ("bigquery", BigQueryTypedDialect.Instance.ViewSql(view, "`p.xero.invoices`")),
            ],
            TestContext.Current.CancellationToken);
        Assert.NotNull(parsed["duckdb"].Error);
        Assert.Null(parsed["bigquery"].Error);
    }
}
