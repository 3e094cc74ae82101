using System.Globalization;
using System.Text.Json;
using XeroSync.Warehouse.Typed;

namespace XeroSync.Tests;

/// <summary>
/// The questions a finance team asks of the typed views, after a full sync of two demo organisations, answered in SQL
/// and compared with the same answer computed in C# from the simulator's records. View and column names are written
/// here from the views' documentation (README, Typed views); field names from Xero's Accounting API (LineItems[].Tracking
/// with TrackingCategoryID, Name, TrackingOptionID, Option; Journals' JournalLines[].TrackingCategories; a budget's
/// BudgetLines[].BudgetBalances with Period and Amount).
/// </summary>
public sealed class FinanceQuestionTests(TypedViewFixture fixture) : IClassFixture<TypedViewFixture>
{
    private LocalDemoEnvironment Demo => fixture.Demo;

    [Theory(Timeout = 120_000)]
    [InlineData("invoice_line_tracking", "invoice_id", "line_item_id", "Invoices", "InvoiceID", "LineItems", "LineItemID", "Tracking")]
    [InlineData("credit_note_line_tracking", "credit_note_id", "line_item_id", "CreditNotes", "CreditNoteID", "LineItems", "LineItemID", "Tracking")]
    [InlineData("bank_transaction_line_tracking", "bank_transaction_id", "line_item_id", "BankTransactions", "BankTransactionID", "LineItems", "LineItemID", "Tracking")]
    [InlineData("purchase_order_line_tracking", "purchase_order_id", "line_item_id", "PurchaseOrders", "PurchaseOrderID", "LineItems", "LineItemID", "Tracking")]
    [InlineData("quote_line_tracking", "quote_id", "line_item_id", "Quotes", "QuoteID", "LineItems", "LineItemID", "Tracking")]
    [InlineData("manual_journal_line_tracking", "manual_journal_id", "account_code", "ManualJournals", "ManualJournalID", "JournalLines", "AccountCode", "Tracking")]
    [InlineData("journal_line_tracking", "journal_id", "journal_line_id", "Journals", "JournalID", "JournalLines", "JournalLineID", "TrackingCategories")]
    public void Each_line_tracking_view_holds_every_option_on_every_line(
        string view, string documentColumn, string lineColumn, string endpoint, string documentField, string linesField, string lineField, string trackingField)
    {
        var expected = new List<string>();
        foreach (var (tenant, record) in Records(endpoint))
        {
            var line = 0;
            foreach (var item in record.GetProperty(linesField).EnumerateArray())
            {
                line++;
                var position = 0;
                foreach (var option in item.TryGetProperty(trackingField, out var tracking) ? tracking.EnumerateArray() : default)
                {
                    expected.Add(Row(tenant, record.GetProperty(documentField).GetString(), line, item.GetProperty(lineField).GetString(), ++position,
                        option.GetProperty("TrackingCategoryID").GetString(), option.GetProperty("Name").GetString(),
                        option.GetProperty("TrackingOptionID").GetString(), option.GetProperty("Option").GetString()));
                }
            }
        }

        using var warehouse = Demo.OpenWarehouse();
        var (_, rows) = warehouse.Query($"""
            SELECT tenant_id, {documentColumn}, item_index, {lineColumn}, tracking_index,
                   tracking_category_id, tracking_category_name, tracking_option_id, tracking_option_name
            FROM xero_typed.{view}
            """);
        Assert.True(expected.Count > 0, $"{endpoint}: the simulator's lines carry no tracking, so the test proves nothing");
        Assert.Equal(expected.Order(StringComparer.Ordinal), rows.Select(r => Row(r)).Order(StringComparer.Ordinal));
    }

    [Fact(Timeout = 120_000)]
    public void Budget_line_periods_hold_one_row_per_budget_line_and_period_with_its_amount()
    {
        var expected = new List<string>();
        foreach (var (tenant, budget) in Details("Budgets"))
        {
            var line = 0;
            foreach (var budgetLine in budget.GetProperty("BudgetLines").EnumerateArray())
            {
                line++;
                var period = 0;
                foreach (var balance in budgetLine.GetProperty("BudgetBalances").EnumerateArray())
                {
                    expected.Add(Row(tenant, budget.GetProperty("BudgetID").GetString(), line, budgetLine.GetProperty("AccountCode").GetString(), ++period,
                        balance.GetProperty("Period").GetString(), balance.GetProperty("Amount").GetDecimal()));
                }
            }
        }

        using var warehouse = Demo.OpenWarehouse();
        var (_, rows) = warehouse.Query("SELECT tenant_id, budget_id, item_index, account_code, period_index, period, amount FROM xero_typed.budget_line_periods");
        Assert.True(expected.Count > 12, $"{expected.Count} budget periods in the simulator");
        Assert.Equal(expected.Order(StringComparer.Ordinal), rows.Select(r => Row(r)).Order(StringComparer.Ordinal));

        // Budget vs actual needs the amounts per account and month: the view gives them summed as the budgets hold them.
        var perAccount = warehouse.Query("SELECT tenant_id, account_code, period, sum(amount) FROM xero_typed.budget_line_periods GROUP BY ALL").Rows;
        var truth = Details("Budgets")
            .SelectMany(b => b.Json.GetProperty("BudgetLines").EnumerateArray().SelectMany(l => l.GetProperty("BudgetBalances").EnumerateArray()
                .Select(p => (Key: Row(b.Tenant, l.GetProperty("AccountCode").GetString(), p.GetProperty("Period").GetString()), Amount: p.GetProperty("Amount").GetDecimal()))))
            .GroupBy(p => p.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(p => p.Amount), StringComparer.Ordinal);
        Assert.Equal(truth.Count, perAccount.Count);
        Assert.All(perAccount, r => Assert.Equal(truth[Row(r[0], r[1], r[2])], (decimal)r[3]!));
    }

    /// <summary>Sales (ACCREC) invoices Xero has approved, by tracking option, in base currency: each line's LineAmount / CurrencyRate, to the cent.</summary>
    [Fact(Timeout = 120_000)]
    public void Revenue_by_tracking_category_is_answerable_and_equals_the_invoices_lines()
    {
        var truth = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (tenant, invoice) in Records("Invoices").Where(r => r.Json.GetProperty("Type").GetString() == "ACCREC" && r.Json.GetProperty("Status").GetString() is "AUTHORISED" or "PAID"))
        {
            var rate = invoice.TryGetProperty("CurrencyRate", out var r) ? r.GetDecimal() : 1m;
            foreach (var line in invoice.GetProperty("LineItems").EnumerateArray())
            {
                foreach (var option in line.GetProperty("Tracking").EnumerateArray())
                {
                    var key = Row(tenant, option.GetProperty("Name").GetString(), option.GetProperty("Option").GetString());
                    truth[key] = truth.GetValueOrDefault(key) + Base(line.GetProperty("LineAmount").GetDecimal(), rate);
                }
            }
        }

        using var warehouse = Demo.OpenWarehouse();
        var (_, rows) = warehouse.Query("""
            SELECT i.tenant_id, t.tracking_category_name, t.tracking_option_name,
                   sum(CAST(round(CAST(l.line_amount AS DOUBLE) / coalesce(i.currency_rate, 1), 2) AS DECIMAL(18,2))) AS revenue
            FROM xero_typed.invoices AS i
            JOIN xero_typed.invoice_line_items AS l USING (tenant_id, invoice_id)
            JOIN xero_typed.invoice_line_tracking AS t USING (tenant_id, invoice_id, item_index)
            WHERE i.type = 'ACCREC' AND i.status IN ('AUTHORISED', 'PAID')
            GROUP BY ALL
            """);
        Assert.True(truth.Count >= 2 * Demo.Truth.Tenants.Count, $"{truth.Count} tracking options carry revenue");
        Assert.Equal(truth.Count, rows.Count);
        Assert.All(rows, r => Assert.Equal(truth[Row(r[0], r[1], r[2])], (decimal)r[3]!));
    }

    [Fact(Timeout = 120_000)]
    public void Invoice_payments_are_populated_and_add_up_to_each_invoices_amount_paid()
    {
        // Truth: the simulator's Payments records (not the invoices' summaries), as Xero lists them at GET /Payments.
        var payments = Records("Payments").Where(p => p.Json.TryGetProperty("Invoice", out _)).ToList();
        var paidPerInvoice = payments
            .GroupBy(p => Row(p.Tenant, p.Json.GetProperty("Invoice").GetProperty("InvoiceID").GetString()), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(p => p.Json.GetProperty("Amount").GetDecimal()), StringComparer.Ordinal);
        Assert.True(paidPerInvoice.Count > 100, $"{paidPerInvoice.Count} invoices have payments in the simulator");

        using var warehouse = Demo.OpenWarehouse();
        Assert.Equal(payments.Count, warehouse.Scalar("SELECT count(*) FROM xero_typed.invoice_payments"));
        var (_, rows) = warehouse.Query("""
            SELECT i.tenant_id, i.invoice_id, i.status, i.total, i.amount_paid, i.amount_due, coalesce(sum(p.amount), 0) AS paid, count(p.payment_id) AS n
            FROM xero_typed.invoices AS i LEFT JOIN xero_typed.invoice_payments AS p USING (tenant_id, invoice_id)
            GROUP BY ALL
            """);
        Assert.Equal(Records("Invoices").Count, rows.Count);
        var partPaid = 0;
        foreach (var r in rows)
        {
            var key = Row(r[0], r[1]);
            var (status, total, amountPaid, amountDue, paid) = ((string)r[2]!, (decimal)r[3]!, (decimal)r[4]!, (decimal)r[5]!, (decimal)r[6]!);
            Assert.Equal(paidPerInvoice.GetValueOrDefault(key), paid);
            Assert.True(amountPaid == paid, $"invoice {key}: amount_paid {amountPaid}, its payments add up to {paid}");
            if (status is "AUTHORISED" or "PAID")
            {
                Assert.True(total - amountPaid == amountDue, $"invoice {key}: total {total} - paid {amountPaid} is not amount_due {amountDue}");
                Assert.Equal(status == "PAID", amountDue == 0m);
                partPaid += status == "AUTHORISED" && paid > 0m ? 1 : 0;
            }
            else
            {
                Assert.Equal(0m, paid);
            }
        }

        Assert.True(partPaid > 0, "no invoice is part paid in the demo");
    }

    /// <summary>
    /// Revenue (accounts of class REVENUE) per month from the journals equals revenue from the documents that post it:
    /// approved invoices and credit notes and authorised bank transactions, each line in base currency to the cent.
    /// </summary>
    [Fact(Timeout = 120_000)]
    public void Revenue_from_the_journals_equals_revenue_from_the_source_documents_in_every_month()
    {
        using var warehouse = Demo.OpenWarehouse();
        var fromJournals = Monthly(warehouse, """
            SELECT j.tenant_id, strftime(j.journal_date, '%Y-%m') AS month, -sum(l.net_amount) AS revenue
            FROM xero_typed.journals AS j
            JOIN xero_typed.journal_lines AS l USING (tenant_id, journal_id)
            JOIN xero_typed.accounts AS a ON a.tenant_id = l.tenant_id AND a.code = l.account_code
            WHERE a.class = 'REVENUE'
            GROUP BY ALL
            """);
        var fromDocuments = Monthly(warehouse, """
            WITH lines AS (
                SELECT d.tenant_id, d.date, d.currency_rate, l.account_code, l.line_amount, CASE d.type WHEN 'ACCREC' THEN 1 ELSE -1 END AS sign
                FROM xero_typed.invoices AS d JOIN xero_typed.invoice_line_items AS l USING (tenant_id, invoice_id)
                WHERE d.status IN ('AUTHORISED', 'PAID')
                UNION ALL
                SELECT d.tenant_id, d.date, d.currency_rate, l.account_code, l.line_amount, CASE d.type WHEN 'ACCRECCREDIT' THEN -1 ELSE 1 END
                FROM xero_typed.credit_notes AS d JOIN xero_typed.credit_note_line_items AS l USING (tenant_id, credit_note_id)
                WHERE d.status IN ('AUTHORISED', 'PAID')
                UNION ALL
                SELECT d.tenant_id, d.date, d.currency_rate, l.account_code, l.line_amount, CASE WHEN d.type LIKE 'RECEIVE%' THEN 1 ELSE -1 END
                FROM xero_typed.bank_transactions AS d JOIN xero_typed.bank_transaction_line_items AS l USING (tenant_id, bank_transaction_id)
                WHERE d.status = 'AUTHORISED'
            )
            SELECT lines.tenant_id, strftime(lines.date, '%Y-%m') AS month,
                   sum(sign * CAST(round(CAST(line_amount AS DOUBLE) / coalesce(currency_rate, 1), 2) AS DECIMAL(18,2))) AS revenue
            FROM lines JOIN xero_typed.accounts AS a ON a.tenant_id = lines.tenant_id AND a.code = lines.account_code
            WHERE a.class = 'REVENUE'
            GROUP BY ALL
            """);

        // The same from the simulator's records, so neither side of the comparison is only the warehouse's word.
        var revenueCodes = Records("Accounts").Where(a => a.Json.GetProperty("Class").GetString() == "REVENUE")
            .Select(a => Row(a.Tenant, a.Json.GetProperty("Code").GetString())).ToHashSet(StringComparer.Ordinal);
        var truth = new Dictionary<string, decimal>(StringComparer.Ordinal);
        void Add(string tenant, JsonElement document, decimal sign)
        {
            var rate = document.TryGetProperty("CurrencyRate", out var r) ? r.GetDecimal() : 1m;
            var month = TruthValue.Expected(document.GetProperty("Date"), TypedKind.Date) is DateOnly d ? d.ToString("yyyy-MM", CultureInfo.InvariantCulture) : throw new InvalidOperationException("no date");
            foreach (var line in document.GetProperty("LineItems").EnumerateArray().Where(l => revenueCodes.Contains(Row(tenant, l.GetProperty("AccountCode").GetString()))))
            {
                var key = Row(tenant, month);
                truth[key] = truth.GetValueOrDefault(key) + (sign * Base(line.GetProperty("LineAmount").GetDecimal(), rate));
            }
        }

        foreach (var (tenant, d) in Records("Invoices").Where(r => r.Json.GetProperty("Status").GetString() is "AUTHORISED" or "PAID"))
        {
            Add(tenant, d, d.GetProperty("Type").GetString() == "ACCREC" ? 1m : -1m);
        }

        foreach (var (tenant, d) in Records("CreditNotes").Where(r => r.Json.GetProperty("Status").GetString() is "AUTHORISED" or "PAID"))
        {
            Add(tenant, d, d.GetProperty("Type").GetString() == "ACCRECCREDIT" ? -1m : 1m);
        }

        foreach (var (tenant, d) in Records("BankTransactions").Where(r => r.Json.GetProperty("Status").GetString() == "AUTHORISED"))
        {
            Add(tenant, d, d.GetProperty("Type").GetString()!.StartsWith("RECEIVE", StringComparison.Ordinal) ? 1m : -1m);
        }

        Assert.True(truth.Count >= 12 * Demo.Truth.Tenants.Count, $"{truth.Count} tenant-months of revenue");
        Assert.Equal(truth.OrderBy(p => p.Key, StringComparer.Ordinal), fromDocuments.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(fromDocuments.OrderBy(p => p.Key, StringComparer.Ordinal), fromJournals.Where(p => p.Value != 0m).OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    private static Dictionary<string, decimal> Monthly(WarehouseReader warehouse, string sql) =>
        warehouse.Query(sql).Rows.ToDictionary(r => Row(r[0], r[1]), r => (decimal)r[2]!, StringComparer.Ordinal);

    /// <summary>Base currency as Xero converts it: amount / CurrencyRate, rounded to the cent.</summary>
    private static decimal Base(decimal amount, decimal rate) => rate == 1m ? amount : Math.Round(amount / rate, 2, MidpointRounding.AwayFromZero);

    private static string Row(params object?[] values) => string.Join("|", values.Select(v => v switch
    {
        null => "NULL",
        decimal d => d.ToString("G29", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString(),
    }));

    private List<(string Tenant, JsonElement Json)> Records(string endpoint) =>
        [.. Demo.Truth.Tenants.SelectMany(t => Demo.Truth.GetRecords(t.TenantId, endpoint).Values.Select(json => (t.TenantId, JsonDocument.Parse(json).RootElement.Clone())))];

    private List<(string Tenant, JsonElement Json)> Details(string endpoint) =>
        [.. Demo.Truth.Tenants.SelectMany(t => Demo.Truth.GetRecordDetails(t.TenantId, endpoint).Values.Select(json => (t.TenantId, JsonDocument.Parse(json).RootElement.Clone())))];
}
