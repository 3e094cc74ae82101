using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using XeroSync.Google.BigQuery;
using XeroSync.TieOut;
using XeroSync.Xero;

namespace XeroSync.Warehouse.BigQuery;

/// <summary>
/// The tie-out's side of the BigQuery warehouse: journal totals, an account's journals and the journal numbers it lacks, read
/// from the typed views <c>xero_typed.organisation</c>, <c>accounts</c>, <c>journals</c> and <c>journal_lines</c> with named
/// parameters; and the tie-outs kept in the raw dataset's tables <c>report_snapshots</c>, <c>tie_outs</c>,
/// <c>tie_out_differences</c> and <c>tie_out_journals</c> (the DuckDB warehouse's tables and columns, BigQuery types).
/// </summary>
public sealed partial class BigQueryWarehouse : IJournalTotalsSource, ITieOutStore
{
    public const string ReportSnapshotsTable = "report_snapshots";
    public const string TieOutsTable = "tie_outs";
    public const string TieOutDifferencesTable = "tie_out_differences";
    public const string TieOutJournalsTable = "tie_out_journals";

    /// <summary>Xero's report as read (<c>report_json</c>), per organisation, report and date.</summary>
    public static readonly IReadOnlyList<BigQueryField> ReportSnapshotsSchema =
    [
        new("tenant_id", "STRING", "REQUIRED"), new("report", "STRING", "REQUIRED"), new("as_at", "DATE", "REQUIRED"),
        new("fetched_at", "TIMESTAMP", "REQUIRED"), new("report_json", "JSON", "REQUIRED"),
    ];

    /// <summary>One row per check of an organisation's report at a date.</summary>
    public static readonly IReadOnlyList<BigQueryField> TieOutsSchema =
    [
        new("tenant_id", "STRING", "REQUIRED"), new("report", "STRING", "REQUIRED"), new("as_at", "DATE", "REQUIRED"),
        new("checked_at", "TIMESTAMP", "REQUIRED"), new("accounts", "INT64", "REQUIRED"), new("ties", "BOOL", "REQUIRED"),
        new("problem", "STRING", "NULLABLE"), new("missing_scope", "STRING", "NULLABLE"), new("missing_journal_numbers", "STRING", "NULLABLE"),
    ];

    /// <summary>Each account a check found differing (amounts debit positive).</summary>
    public static readonly IReadOnlyList<BigQueryField> TieOutDifferencesSchema =
    [
        new("tenant_id", "STRING", "REQUIRED"), new("report", "STRING", "REQUIRED"), new("as_at", "DATE", "REQUIRED"),
        new("checked_at", "TIMESTAMP", "REQUIRED"), new("account_id", "STRING", "REQUIRED"), new("account", "STRING", "REQUIRED"),
        new("xero", "NUMERIC", "REQUIRED"), new("warehouse", "NUMERIC", "REQUIRED"), new("difference", "NUMERIC", "REQUIRED"),
        new("journals_from", "DATE", "NULLABLE"),
    ];

    /// <summary>The warehouse's journals behind each difference.</summary>
    public static readonly IReadOnlyList<BigQueryField> TieOutJournalsSchema =
    [
        new("tenant_id", "STRING", "REQUIRED"), new("report", "STRING", "REQUIRED"), new("as_at", "DATE", "REQUIRED"),
        new("checked_at", "TIMESTAMP", "REQUIRED"), new("account_id", "STRING", "REQUIRED"), new("journal_id", "STRING", "REQUIRED"),
        new("journal_number", "INT64", "REQUIRED"), new("journal_date", "DATE", "REQUIRED"), new("amount", "NUMERIC", "REQUIRED"),
    ];

    private static readonly XeroEndpoint[] JournalEndpoints = [EndpointCatalog.Get("Organisation"), EndpointCatalog.Get("Accounts"), EndpointCatalog.Get("Journals")];

    private volatile bool _tieOutTablesEnsured;

    /// <summary>The organisation's financial year end and its retained-earnings account (parameter <c>@tenant</c>): at most one row.</summary>
    public static string YearEndSql(string projectId, string typedDataset) =>
        "SELECT o.financial_year_end_day AS end_day, o.financial_year_end_month AS end_month, "
        + $"(SELECT MIN(a.account_id) FROM `{projectId}.{typedDataset}.accounts` AS a WHERE a.tenant_id = @tenant AND a.system_account = 'RETAINEDEARNINGS' AND a.deleted_at IS NULL) AS retained_earnings "
        + $"FROM `{projectId}.{typedDataset}.organisation` AS o WHERE o.tenant_id = @tenant AND o.deleted_at IS NULL LIMIT 1";

    /// <summary>
    /// The journal lines dated up to <c>@date</c> summed per account, and those from <c>@start</c> (the financial year's first
    /// day) on (parameters <c>@tenant</c>, <c>@start</c>, <c>@date</c>).
    /// </summary>
    public static string JournalTotalsSql(string projectId, string typedDataset) =>
        "SELECT l.account_id AS account_id, ANY_VALUE(l.account_code) AS account_code, ANY_VALUE(l.account_name) AS account_name, ANY_VALUE(l.account_type) AS account_type, "
        + "COALESCE(SUM(IF(j.journal_date >= @start, l.net_amount, NULL)), 0) AS this_year, COALESCE(SUM(l.net_amount), 0) AS to_date "
        + JournalLinesFrom(projectId, typedDataset)
        + "WHERE l.tenant_id = @tenant AND j.journal_date <= @date AND l.account_id IS NOT NULL GROUP BY l.account_id ORDER BY account_id";

    /// <summary>The journals with a line on <c>@account</c> dated <c>@from</c> to <c>@to</c>, oldest first (parameters <c>@tenant</c>, <c>@account</c>, <c>@from</c>, <c>@to</c>).</summary>
    public static string AccountJournalsSql(string projectId, string typedDataset) =>
        "SELECT j.journal_id AS journal_id, ANY_VALUE(j.journal_number) AS journal_number, ANY_VALUE(j.journal_date) AS journal_date, SUM(l.net_amount) AS amount "
        + JournalLinesFrom(projectId, typedDataset)
        + "WHERE l.tenant_id = @tenant AND l.account_id = @account AND j.journal_date BETWEEN @from AND @to GROUP BY j.journal_id ORDER BY journal_date, journal_number";

    /// <summary>
    /// The runs of journal numbers from 1 to the highest held that the warehouse does not hold, as (first, last) pairs
    /// ascending (parameter <c>@tenant</c>): only the gaps travel, however many journals there are.
    /// </summary>
    public static string MissingJournalNumbersSql(string projectId, string typedDataset) =>
        "SELECT previous + 1 AS first_missing, n - 1 AS last_missing FROM ("
        + "SELECT n, LAG(n, 1, 0) OVER (ORDER BY n) AS previous FROM ("
        + $"SELECT DISTINCT journal_number AS n FROM `{projectId}.{typedDataset}.journals` WHERE tenant_id = @tenant AND journal_number >= 1)) "
        + "WHERE n > previous + 1 ORDER BY first_missing";

    /// <summary>
    /// The latest date before <c>@before</c> whose latest compared check of <c>@report</c> found <c>@account</c> agreeing
    /// (parameters <c>@tenant</c>, <c>@report</c>, <c>@account</c>, <c>@before</c>): one row, NULL when none did.
    /// </summary>
    public static string LastAgreedDateSql(string projectId, string rawDataset) =>
        "SELECT MAX(t.as_at) AS agreed FROM ("
        + "SELECT as_at, checked_at, ROW_NUMBER() OVER (PARTITION BY as_at ORDER BY checked_at DESC) AS newest "
        + $"FROM `{projectId}.{rawDataset}.{TieOutsTable}` "
        + "WHERE tenant_id = @tenant AND report = @report AND as_at < @before AND problem IS NULL AND missing_scope IS NULL) AS t "
        + $"WHERE t.newest = 1 AND NOT EXISTS (SELECT 1 FROM `{projectId}.{rawDataset}.{TieOutDifferencesTable}` AS d "
        + "WHERE d.tenant_id = @tenant AND d.report = @report AND d.as_at = t.as_at AND d.checked_at = t.checked_at AND d.account_id = @account)";

    private static string JournalLinesFrom(string projectId, string typedDataset) =>
        $"FROM `{projectId}.{typedDataset}.journal_lines` AS l JOIN `{projectId}.{typedDataset}.journals` AS j ON j.tenant_id = l.tenant_id AND j.journal_id = l.journal_id ";

    public async Task<JournalTotals?> GetJournalTotalsAsync(string tenantId, DateOnly date, CancellationToken cancellationToken)
    {
        var tenant = RequireTenant(tenantId);
        var yearEnd = await QueryTypedAsync(YearEndSql, [tenant], cancellationToken);
        if (yearEnd is not [[{ } day, { } month, var retainedEarnings]])
        {
            return null;
        }

        var yearStart = FinancialYear.Start(date, ParseInt(day), ParseInt(month));
        var rows = await QueryTypedAsync(JournalTotalsSql, [tenant, DateParameter("start", yearStart), DateParameter("date", date)], cancellationToken);
        var accounts = rows.Select(r => new LedgerAccountTotal(
            r[0] ?? throw new InvalidOperationException("BigQuery answered a journal total without an account id."),
            r[1] ?? string.Empty,
            r[2] ?? string.Empty,
            r[3] ?? string.Empty,
            ParseAmount(r[4]),
            ParseAmount(r[5]))).ToList();
        return new JournalTotals(yearStart, retainedEarnings, accounts);
    }

    public async Task<IReadOnlyList<TieOutJournal>> GetAccountJournalsAsync(string tenantId, string accountId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var tenant = RequireTenant(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(accountId);
        var rows = await QueryTypedAsync(
            AccountJournalsSql,
            [tenant, new("account", "STRING", accountId), DateParameter("from", from), DateParameter("to", to)],
            cancellationToken);
        return [.. rows.Select(r => new TieOutJournal(
            r[0] ?? throw new InvalidOperationException("BigQuery answered a journal without its id."),
            r[1] is { } number ? ParseLong(number) : 0,
            DateOnly.ParseExact(r[2] ?? throw new InvalidOperationException("BigQuery answered a journal without its date."), "yyyy-MM-dd", CultureInfo.InvariantCulture),
            ParseAmount(r[3])))];
    }

    public async Task<IReadOnlyList<long>> GetMissingJournalNumbersAsync(string tenantId, CancellationToken cancellationToken)
    {
        var tenant = RequireTenant(tenantId);
        var rows = await QueryTypedAsync(MissingJournalNumbersSql, [tenant], cancellationToken);
        var missing = new List<long>();
        foreach (var row in rows)
        {
            var first = ParseLong(row[0] ?? throw new InvalidOperationException("BigQuery answered a gap without its first number."));
            var last = ParseLong(row[1] ?? throw new InvalidOperationException("BigQuery answered a gap without its last number."));
            for (var n = first; n <= last; n++)
            {
                missing.Add(n);
            }
        }

        return missing;
    }

    public async Task<DateOnly?> GetLastAgreedDateAsync(string tenantId, XeroReport report, string accountId, DateOnly before, CancellationToken cancellationToken)
    {
        var tenant = RequireTenant(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(accountId);
        await EnsureTieOutTablesAsync(cancellationToken);
        var rows = await _client.QueryAsync(
            LastAgreedDateSql(_options.ProjectId, _options.RawDataset),
            [tenant, new("report", "STRING", report.ToString()), new("account", "STRING", accountId), DateParameter("before", before)],
            _options.Location,
            cancellationToken);
        return rows is [[var agreed, ..]]
            ? agreed is null ? null : (DateOnly?)DateOnly.ParseExact(agreed, "yyyy-MM-dd", CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"BigQuery answered the last agreed date with {rows.Count} rows, not one.");
    }

    /// <summary>
    /// Keeps a tie-out with <c>tabledata.insertAll</c>: the report snapshot, the differences and their journals, and last the
    /// <c>tie_outs</c> row, which is what every reader starts from: a check whose later rows failed to arrive is never seen
    /// half-kept (its earlier rows are joined to no <c>tie_outs</c> row). Insert ids are derived from the row's key, so BigQuery
    /// drops a repeated insert of the same check.
    /// </summary>
    public async Task SaveTieOutAsync(TieOutRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var result = record.Result;
        RequireTenant(result.TenantId);
        await EnsureTieOutTablesAsync(cancellationToken);
        var report = result.Report.ToString();
        var day = Day(result.Date);
        var at = record.CheckedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        JsonObject Key(string time) => new() { ["tenant_id"] = result.TenantId, ["report"] = report, ["as_at"] = day, [time] = at };
        string InsertId(string table, int n) =>
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', table, result.TenantId, report, day, at, n.ToString(CultureInfo.InvariantCulture)))));

        if (record.ReportJson is { } json)
        {
            var snapshot = Key("fetched_at");
            snapshot["report_json"] = Encoding.UTF8.GetString(json);
            await _client.InsertRowsAsync(_options.RawDataset, ReportSnapshotsTable, [new(InsertId(ReportSnapshotsTable, 0), snapshot)], cancellationToken);
        }

        var differences = new List<BigQueryInsertRow>();
        var journals = new List<BigQueryInsertRow>();
        foreach (var difference in result.Differences)
        {
            var row = Key("checked_at");
            row["account_id"] = difference.AccountId;
            row["account"] = difference.Account;
            row["xero"] = Amount(difference.Xero);
            row["warehouse"] = Amount(difference.Warehouse);
            row["difference"] = Amount(difference.Difference);
            row["journals_from"] = difference.JournalsFrom is { } from ? Day(from) : null;
            differences.Add(new(InsertId(TieOutDifferencesTable, differences.Count), row));
            foreach (var journal in difference.Journals)
            {
                var line = Key("checked_at");
                line["account_id"] = difference.AccountId;
                line["journal_id"] = journal.JournalId;
                line["journal_number"] = journal.JournalNumber.ToString(CultureInfo.InvariantCulture);
                line["journal_date"] = Day(journal.Date);
                line["amount"] = Amount(journal.Amount);
                journals.Add(new(InsertId(TieOutJournalsTable, journals.Count), line));
            }
        }

        await _client.InsertRowsAsync(_options.RawDataset, TieOutDifferencesTable, differences, cancellationToken);
        await _client.InsertRowsAsync(_options.RawDataset, TieOutJournalsTable, journals, cancellationToken);
        var tieOut = Key("checked_at");
        tieOut["accounts"] = result.Accounts.ToString(CultureInfo.InvariantCulture);
        tieOut["ties"] = result.Ties;
        tieOut["problem"] = result.Problem;
        tieOut["missing_scope"] = result.MissingScope;
        tieOut["missing_journal_numbers"] = JournalNumberRanges.Format(result.MissingJournalNumbers);
        await _client.InsertRowsAsync(_options.RawDataset, TieOutsTable, [new(InsertId(TieOutsTable, 0), tieOut)], cancellationToken);
        LogTieOutSaved(report, result.Date, differences.Count, journals.Count, _options.RawDataset);
    }

    /// <summary>Creates the tie-out tables once per instance (create-if-absent; partitioned by month of <c>as_at</c> would need a range, so unpartitioned, clustered by tenant).</summary>
    private async Task EnsureTieOutTablesAsync(CancellationToken cancellationToken)
    {
        if (_tieOutTablesEnsured)
        {
            return;
        }

        await EnsureTablesAsync([], cancellationToken);
        foreach (var (table, schema) in (IEnumerable<(string, IReadOnlyList<BigQueryField>)>)[
            (ReportSnapshotsTable, ReportSnapshotsSchema), (TieOutsTable, TieOutsSchema), (TieOutDifferencesTable, TieOutDifferencesSchema), (TieOutJournalsTable, TieOutJournalsSchema)])
        {
            await _client.CreateTableIfAbsentAsync(_options.RawDataset, table, schema, null, ["tenant_id", "report"], cancellationToken);
        }

        _tieOutTablesEnsured = true;
    }

    /// <summary>Runs one of the typed-view queries over the organisation's journals (their views ensured first).</summary>
    private async Task<IReadOnlyList<IReadOnlyList<string?>>> QueryTypedAsync(Func<string, string, string> sql, IReadOnlyList<BigQueryParameter> parameters, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(JournalEndpoints, cancellationToken);
        return await _client.QueryAsync(sql(_options.ProjectId, _options.TypedDataset), parameters, _options.Location, cancellationToken);
    }

    private static BigQueryParameter RequireTenant(string tenantId) =>
        Identifiers.IsValidTenantId(tenantId)
            ? new BigQueryParameter("tenant", "STRING", tenantId)
            : throw new ArgumentException($"'{Identifiers.Printable(tenantId)}' is not a Xero tenant id.", nameof(tenantId));

    private static BigQueryParameter DateParameter(string name, DateOnly date) => new(name, "DATE", Day(date));

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A NUMERIC as insertAll takes it: its decimal text.</summary>
    private static string Amount(decimal amount) => amount.ToString(CultureInfo.InvariantCulture);

    /// <summary>A NUMERIC cell as BigQuery answers it (decimal text, possibly with an exponent).</summary>
    private static decimal ParseAmount(string? cell) =>
        cell is null ? 0m : decimal.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static long ParseLong(string cell) => long.Parse(cell, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    private static int ParseInt(string cell) => int.Parse(cell, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Information, Message = "Tie-out of {Report} at {Date} kept in {RawDataset} ({Differences} differences, {Journals} journals)")]
    private partial void LogTieOutSaved(string report, DateOnly date, int differences, int journals, string rawDataset);
}
