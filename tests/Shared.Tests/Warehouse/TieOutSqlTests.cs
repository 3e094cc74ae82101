using XeroSync.Warehouse.BigQuery;
using XeroSync.Xero;

namespace XeroSync.Tests.Warehouse;

/// <summary>
/// The cloud tie-out's queries, analysed by ZetaSQL in BigQuery mode: the journal queries over the typed views (each typed
/// view's own BigQuery SQL put in place of its name, so the analysis runs down to the raw tables' schemas) and the
/// last-agreed query over the tie-out tables, described here as README lists their columns.
/// </summary>
public sealed class TieOutSqlTests
{
    private const string Typed = "xero_typed";

    /// <summary>README "Tie-out": xero_raw.tie_outs and xero_raw.tie_out_differences, with BigQuery types for their values.</summary>
    private static readonly (string Name, IReadOnlyList<(string Name, string Type)> Columns)[] TieOutTables =
    [
        ($"{BigQueryTestCatalog.Project}.xero_raw.tie_outs",
            [("tenant_id", "STRING"), ("report", "STRING"), ("as_at", "DATE"), ("checked_at", "TIMESTAMP"), ("accounts", "INT64"),
             ("ties", "BOOL"), ("problem", "STRING"), ("missing_scope", "STRING"), ("missing_journal_numbers", "STRING")]),
        ($"{BigQueryTestCatalog.Project}.xero_raw.tie_out_differences",
            [("tenant_id", "STRING"), ("report", "STRING"), ("as_at", "DATE"), ("checked_at", "TIMESTAMP"), ("account_id", "STRING"),
             ("account", "STRING"), ("xero", "NUMERIC"), ("warehouse", "NUMERIC"), ("difference", "NUMERIC"), ("journals_from", "DATE")]),
    ];

    private static readonly (string Name, string Type)[] Parameters =
    [
        ("tenant", "STRING"), ("account", "STRING"), ("report", "STRING"), ("date", "DATE"), ("start", "DATE"), ("from", "DATE"), ("to", "DATE"), ("before", "DATE"),
    ];

    [Fact(Timeout = 120_000)]
    public async Task Every_tie_out_query_is_valid_bigquery_over_the_typed_views_and_tie_out_tables()
    {
        var project = BigQueryTestCatalog.Project;
        var statements = new List<(string Name, string Sql)>
        {
            ("year_end", Inline(BigQueryWarehouse.YearEndSql(project, Typed))),
            ("totals", Inline(BigQueryWarehouse.JournalTotalsSql(project, Typed))),
            ("account_journals", Inline(BigQueryWarehouse.AccountJournalsSql(project, Typed))),
            ("missing_numbers", Inline(BigQueryWarehouse.MissingJournalNumbersSql(project, Typed))),
            ("last_agreed", BigQueryWarehouse.LastAgreedDateSql(project, "xero_raw")),
            ("operate_latest_checks", OperateQuery().Replace("`PROJECT.", $"`{project}.", StringComparison.Ordinal)),
        };
        Assert.All(statements, s => Assert.DoesNotContain($"{project}.{Typed}.", s.Sql, StringComparison.Ordinal));

        var parsed = await BigQuerySqlAnalyzer.AnalyzeAsync([.. BigQueryTestCatalog.Tables(), .. TieOutTables], Parameters, statements, TestContext.Current.CancellationToken);

        Assert.All(statements, s => Assert.True(parsed[s.Name].Error is null, $"{s.Name} is not valid BigQuery SQL: {parsed[s.Name].Error}"));
        Assert.Equal(["end_day", "end_month", "retained_earnings"], parsed["year_end"].Columns);
        Assert.Equal(["account_id", "account_code", "account_name", "account_type", "this_year", "to_date"], parsed["totals"].Columns);
        Assert.Equal(["journal_id", "journal_number", "journal_date", "amount"], parsed["account_journals"].Columns);
        Assert.Equal(["first_missing", "last_missing"], parsed["missing_numbers"].Columns);
        Assert.Equal(["agreed"], parsed["last_agreed"].Columns);
    }

    /// <summary>docs/operate.md's query of the latest checks (the one after "Tie-out"), as an operator pastes it.</summary>
    private static string OperateQuery()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "operate.md"));
        // Marked as BigQuery's dialect (googlesql): the ```sql blocks of the documents are the local warehouse's, run by FirstRunTests.
        var start = text.IndexOf("```googlesql\n-- the latest check", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/operate.md has no tie-out query");
        start = text.IndexOf('\n', start + "```googlesql\n".Length) + 1;
        return text[start..text.IndexOf("```", start, StringComparison.Ordinal)].Trim().TrimEnd(';');
    }

    /// <summary>Puts each typed view's BigQuery SQL (over the latest views) where the query names the view.</summary>
    private static string Inline(string sql)
    {
        var project = BigQueryTestCatalog.Project;
        foreach (var endpoint in new[] { "Organisation", "Accounts", "Journals" })
        {
            foreach (var (view, viewSql) in BigQueryWarehouse.TypedViewsSql(project, "xero", EndpointCatalog.Get(endpoint).TableName))
            {
                sql = sql.Replace($"`{project}.{Typed}.{view}`", $"({viewSql})", StringComparison.Ordinal);
            }
        }

        return sql;
    }
}
