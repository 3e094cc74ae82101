using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using XeroSync.Google.BigQuery;
using XeroSync.Tests.Google;
using XeroSync.TieOut;
using XeroSync.Warehouse.BigQuery;

namespace XeroSync.Tests.Warehouse;

/// <summary>
/// The BigQuery warehouse's tie-out at the HTTP boundary: each read is one <c>jobs.query</c> with named parameters (dates as
/// DATE, never text spliced into the SQL) whose answer (cells as text, as cloud.google.com/bigquery/docs/reference/rest/v2/jobs/query
/// documents) is read back; a tie-out is kept with <c>tabledata.insertAll</c> (cloud.google.com/bigquery/docs/reference/rest/v2/tabledata/insertAll)
/// into the raw dataset's tables README names, the <c>tie_outs</c> row last.
/// </summary>
public sealed class BigQueryTieOutTests
{
    private const string Tenant = "5f8e2a1c-0d9b-4c3e-8a7f-1b2c3d4e5f60";
    private const string QueriesPath = "/bigquery/v2/projects/p/queries";
    private const string TablesPrefix = "/bigquery/v2/projects/p/datasets/xero_raw/tables";

    [Fact(Timeout = 60_000)]
    public async Task Journal_totals_read_the_year_end_then_sum_from_the_year_start_with_date_parameters()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestHttpServer.StartAsync(request => request switch
        {
            // Organisation: FinancialYearEndDay 31, FinancialYearEndMonth 3 (a year ending 31 March); INT64 cells come as text.
            { Method: "POST", PathAndQuery: QueriesPath } when request.Body.Contains("financial_year_end_day", StringComparison.Ordinal) =>
                Rows(["31", "3", "acc-re"]),
            { Method: "POST", PathAndQuery: QueriesPath } when request.Body.Contains("this_year", StringComparison.Ordinal) =>
                Rows(["acc-bank", "090", "Business Bank", "BANK", "150.25", "1020.5"], ["acc-sales", "200", "Sales", "REVENUE", "-1.5E+2", "-900"]),
            _ => new TestResponse(200),
        });
        var warehouse = Warehouse(server);

        var totals = await warehouse.GetJournalTotalsAsync(Tenant, new DateOnly(2026, 11, 30), ct);

        Assert.NotNull(totals);
        Assert.Equal(new DateOnly(2026, 4, 1), totals.YearStart);
        Assert.Equal("acc-re", totals.RetainedEarningsAccountId);
        Assert.Equal(
            [new LedgerAccountTotal("acc-bank", "090", "Business Bank", "BANK", 150.25m, 1020.5m), new LedgerAccountTotal("acc-sales", "200", "Sales", "REVENUE", -150m, -900m)],
            totals.Accounts);
        var queries = Queries(server);
        Assert.Equal(2, queries.Count);
        Assert.Contains("FROM `p.xero_typed.organisation`", queries[0].Sql, StringComparison.Ordinal);
        Assert.Equal(new Dictionary<string, (string, string)> { ["tenant"] = ("STRING", Tenant) }, queries[0].Parameters);
        Assert.Contains("`p.xero_typed.journal_lines`", queries[1].Sql, StringComparison.Ordinal);
        Assert.Equal(
            new Dictionary<string, (string, string)> { ["tenant"] = ("STRING", Tenant), ["start"] = ("DATE", "2026-04-01"), ["date"] = ("DATE", "2026-11-30") },
            queries[1].Parameters);
        Assert.All(queries, q => Assert.DoesNotContain(Tenant, q.Sql, StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task No_organisation_row_means_no_totals_and_no_journal_query()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestHttpServer.StartAsync(request => request switch
        {
            { Method: "POST", PathAndQuery: QueriesPath } => Rows(),
            _ => new TestResponse(200),
        });

        Assert.Null(await Warehouse(server).GetJournalTotalsAsync(Tenant, new DateOnly(2026, 11, 30), ct));
        Assert.Single(Queries(server));
    }

    [Fact(Timeout = 60_000)]
    public async Task Account_journals_and_missing_numbers_are_read_from_parameterised_queries()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestHttpServer.StartAsync(request => request switch
        {
            { Method: "POST", PathAndQuery: QueriesPath } when request.Body.Contains("AS amount", StringComparison.Ordinal) =>
                Rows(["j-1", "41", "2026-11-03", "12.5"], ["j-2", "44", "2026-11-20", "-3"]),
            { Method: "POST", PathAndQuery: QueriesPath } when request.Body.Contains("first_missing", StringComparison.Ordinal) =>
                Rows(["2", "2"], ["5", "7"]),
            _ => new TestResponse(200),
        });
        var warehouse = Warehouse(server);

        var journals = await warehouse.GetAccountJournalsAsync(Tenant, "acc-bank", new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), ct);
        var missing = await warehouse.GetMissingJournalNumbersAsync(Tenant, ct);

        Assert.Equal([new TieOutJournal("j-1", 41, new DateOnly(2026, 11, 3), 12.5m), new TieOutJournal("j-2", 44, new DateOnly(2026, 11, 20), -3m)], journals);
        Assert.Equal([2L, 5, 6, 7], missing);
        var queries = Queries(server);
        Assert.Equal(
            new Dictionary<string, (string, string)>
            {
                ["tenant"] = ("STRING", Tenant), ["account"] = ("STRING", "acc-bank"), ["from"] = ("DATE", "2026-11-01"), ["to"] = ("DATE", "2026-11-30"),
            },
            queries[0].Parameters);
        Assert.Equal(new Dictionary<string, (string, string)> { ["tenant"] = ("STRING", Tenant) }, queries[1].Parameters);
        Assert.Contains("FROM `p.xero_typed.journals`", queries[1].Sql, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Last_agreed_date_creates_the_tie_out_tables_and_reads_one_row()
    {
        var ct = TestContext.Current.CancellationToken;
        var agreed = "2026-09-30";
        await using var server = await TestHttpServer.StartAsync(request => request switch
        {
            { Method: "POST", PathAndQuery: QueriesPath } => Rows([agreed]),
            _ => new TestResponse(200),
        });
        var warehouse = Warehouse(server);

        Assert.Equal(new DateOnly(2026, 9, 30), await warehouse.GetLastAgreedDateAsync(Tenant, XeroReport.BalanceSheet, "acc-bank", new DateOnly(2026, 11, 30), ct));
        agreed = null!;
        Assert.Null(await warehouse.GetLastAgreedDateAsync(Tenant, XeroReport.BalanceSheet, "acc-bank", new DateOnly(2026, 11, 30), ct));

        var created = server.Requests.Where(r => r is { Method: "POST", PathAndQuery: TablesPrefix }).Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.Equal(
            ["report_snapshots", "tie_outs", "tie_out_differences", "tie_out_journals"],
            created.Select(t => t.GetProperty("tableReference").GetProperty("tableId").GetString()));
        var tieOuts = created.Single(t => t.GetProperty("tableReference").GetProperty("tableId").GetString() == "tie_outs");
        Assert.Equal(
            ["tenant_id", "report", "as_at", "checked_at", "accounts", "ties", "problem", "missing_scope", "missing_journal_numbers"],
            tieOuts.GetProperty("schema").GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        var queries = Queries(server);
        Assert.Equal(2, queries.Count);
        Assert.Contains("FROM `p.xero_raw.tie_outs`", queries[0].Sql, StringComparison.Ordinal);
        Assert.Equal(
            new Dictionary<string, (string, string)>
            {
                ["tenant"] = ("STRING", Tenant), ["report"] = ("STRING", "BalanceSheet"), ["account"] = ("STRING", "acc-bank"), ["before"] = ("DATE", "2026-11-30"),
            },
            queries[0].Parameters);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_tie_out_is_inserted_into_the_four_tables_with_the_tie_outs_row_last_and_stable_insert_ids()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestHttpServer.StartAsync(_ => new TestResponse(200, """{"kind":"bigquery#tableDataInsertAllResponse"}"""));
        var warehouse = Warehouse(server);
        var record = Record();

        await warehouse.SaveTieOutAsync(record, ct);
        await warehouse.SaveTieOutAsync(record, ct);

        var inserts = server.Requests.Where(r => r.PathAndQuery.EndsWith("/insertAll", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            ["report_snapshots", "tie_out_differences", "tie_out_journals", "tie_outs", "report_snapshots", "tie_out_differences", "tie_out_journals", "tie_outs"],
            inserts.Select(r => r.PathAndQuery[(TablesPrefix.Length + 1)..^"/insertAll".Length]));
        var bodies = inserts.Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.All(bodies, b => Assert.False(b.GetProperty("skipInvalidRows").GetBoolean()));
        Assert.All(bodies, b => Assert.False(b.GetProperty("ignoreUnknownValues").GetBoolean()));
        var first = bodies.Take(4).SelectMany(b => b.GetProperty("rows").EnumerateArray()).Select(r => r.GetProperty("insertId").GetString()).ToList();
        var second = bodies.Skip(4).SelectMany(b => b.GetProperty("rows").EnumerateArray()).Select(r => r.GetProperty("insertId").GetString()).ToList();
        Assert.Equal(first, second);
        Assert.Equal(first.Count, first.Distinct().Count());

        var snapshot = Row(bodies[0], 0);
        Assert.Equal(Tenant, snapshot.GetProperty("tenant_id").GetString());
        Assert.Equal("TrialBalance", snapshot.GetProperty("report").GetString());
        Assert.Equal("2026-11-30", snapshot.GetProperty("as_at").GetString());
        Assert.Equal("2026-12-01T02:03:04.500000Z", snapshot.GetProperty("fetched_at").GetString());
        Assert.Equal("""{"Reports":[]}""", snapshot.GetProperty("report_json").GetString());
        var difference = Row(bodies[1], 0);
        Assert.Equal("acc-bank", difference.GetProperty("account_id").GetString());
        Assert.Equal("Business Bank", difference.GetProperty("account").GetString());
        Assert.Equal("100.00", difference.GetProperty("xero").GetString());
        Assert.Equal("87.50", difference.GetProperty("warehouse").GetString());
        Assert.Equal("12.50", difference.GetProperty("difference").GetString());
        Assert.Equal("2026-11-01", difference.GetProperty("journals_from").GetString());
        Assert.Equal(2, bodies[2].GetProperty("rows").GetArrayLength());
        var journal = Row(bodies[2], 1);
        Assert.Equal("j-2", journal.GetProperty("journal_id").GetString());
        Assert.Equal("44", journal.GetProperty("journal_number").GetString());
        Assert.Equal("2026-11-20", journal.GetProperty("journal_date").GetString());
        Assert.Equal("-3", journal.GetProperty("amount").GetString());
        Assert.Equal("2026-12-01T02:03:04.500000Z", journal.GetProperty("checked_at").GetString());
        var tieOut = Row(bodies[3], 0);
        Assert.Equal("41", tieOut.GetProperty("accounts").GetString());
        Assert.False(tieOut.GetProperty("ties").GetBoolean());
        Assert.Equal(JsonValueKind.Null, tieOut.GetProperty("problem").ValueKind);
        Assert.Equal("2, 5-7", tieOut.GetProperty("missing_journal_numbers").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Rows_bigquery_refuses_fail_the_save_before_the_tie_outs_row_is_sent()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TestHttpServer.StartAsync(request => request.PathAndQuery.EndsWith("/tie_out_differences/insertAll", StringComparison.Ordinal)
            ? new TestResponse(200, """{"kind":"bigquery#tableDataInsertAllResponse","insertErrors":[{"index":0,"errors":[{"reason":"invalid","message":"Cannot convert value to NUMERIC"}]}]}""")
            : new TestResponse(200, """{"kind":"bigquery#tableDataInsertAllResponse"}"""));

        var error = await Assert.ThrowsAsync<BigQueryInsertFailedException>(() => Warehouse(server).SaveTieOutAsync(Record(), ct));

        Assert.Contains("Cannot convert value to NUMERIC", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Requests, r => r.PathAndQuery.EndsWith("/tie_outs/insertAll", StringComparison.Ordinal));
    }

    private static TieOutRecord Record() => new(
        new TieOutResult(
            Tenant,
            new DateOnly(2026, 11, 30),
            41,
            [new TieOutDifference("acc-bank", "Business Bank", 100.00m, 87.50m)
            {
                JournalsFrom = new DateOnly(2026, 11, 1),
                Journals = [new TieOutJournal("j-1", 41, new DateOnly(2026, 11, 3), 12.5m), new TieOutJournal("j-2", 44, new DateOnly(2026, 11, 20), -3m)],
            }])
        {
            MissingJournalNumbers = [2, 5, 6, 7],
        },
        new DateTimeOffset(2026, 12, 1, 2, 3, 4, 500, TimeSpan.Zero),
        """{"Reports":[]}"""u8.ToArray());

    private static JsonElement Row(JsonElement body, int index) => body.GetProperty("rows")[index].GetProperty("json");

    private static BigQueryWarehouse Warehouse(TestHttpServer server) => new(
        GoogleTestClients.BigQuery(server.BaseUri),
        new BigQueryWarehouseOptions("p", "landing-bucket") { Location = "EU" },
        TimeProvider.System,
        NullLogger<BigQueryWarehouse>.Instance);

    private static TestResponse Rows(params string?[][] rows) => new(
        200,
        JsonSerializer.Serialize(new
        {
            jobComplete = true,
            jobReference = new { projectId = "p", jobId = "q1", location = "EU" },
            rows = rows.Select(r => new { f = r.Select(v => new { v }) }),
        }));

    private static List<(string Sql, Dictionary<string, (string, string)> Parameters)> Queries(TestHttpServer server) =>
        [.. server.Requests.Where(r => r is { Method: "POST", PathAndQuery: QueriesPath }).Select(r =>
        {
            using var body = JsonDocument.Parse(r.Body);
            var root = body.RootElement;
            Assert.False(root.GetProperty("useLegacySql").GetBoolean());
            Assert.Equal("NAMED", root.GetProperty("parameterMode").GetString());
            return (root.GetProperty("query").GetString()!, root.GetProperty("queryParameters").EnumerateArray().ToDictionary(
                p => p.GetProperty("name").GetString()!,
                p => (p.GetProperty("parameterType").GetProperty("type").GetString()!, p.GetProperty("parameterValue").GetProperty("value").GetString()!)));
        })];
}
