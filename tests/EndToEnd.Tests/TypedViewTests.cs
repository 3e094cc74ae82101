using System.Globalization;
using System.Text.Json;
using XeroSync.Warehouse.Typed;

namespace XeroSync.Tests;

/// <summary>
/// Every typed and child view in DuckDB, after a full sync of two demo organisations, against the simulator's own
/// records: each column of each row (values computed in C# from the simulator's JSON), then analyses an
/// accountant would check: totals are the sum of their lines, every journal balances, counts per status.
/// </summary>
public sealed class TypedViewTests(TypedViewFixture fixture) : IClassFixture<TypedViewFixture>
{
    /// <summary>Child views, with the Xero endpoint and JSON array they come from, written down here from Xero's docs.</summary>
    private static readonly (string View, string Endpoint, string Array)[] Children =
    [
        ("invoice_line_items", "Invoices", "LineItems"),
        ("invoice_payments", "Invoices", "Payments"),
        ("credit_note_line_items", "CreditNotes", "LineItems"),
        ("credit_note_allocations", "CreditNotes", "Allocations"),
        ("bank_transaction_line_items", "BankTransactions", "LineItems"),
        ("purchase_order_line_items", "PurchaseOrders", "LineItems"),
        ("quote_line_items", "Quotes", "LineItems"),
        ("overpayment_allocations", "Overpayments", "Allocations"),
        ("prepayment_allocations", "Prepayments", "Allocations"),
        ("journal_lines", "Journals", "JournalLines"),
        ("manual_journal_lines", "ManualJournals", "JournalLines"),
        ("contact_addresses", "Contacts", "Addresses"),
        ("contact_phones", "Contacts", "Phones"),
        ("tracking_category_options", "TrackingCategories", "Options"),
        ("budget_lines", "Budgets", "BudgetLines"),
        ("contact_group_members", "ContactGroups", "Contacts"),
    ];

    private LocalDemoEnvironment Demo => fixture.Demo;

    [Fact(Timeout = 300_000)]
    public void Every_typed_view_holds_each_records_fields_converted_exactly()
    {
        using var warehouse = Demo.OpenWarehouse();
        Assert.Equal(
            Children.Select(c => c.View).Order(StringComparer.Ordinal),
            TypedViewCatalog.All.Where(v => v.IsChild).Select(v => v.Name).Order(StringComparer.Ordinal));
        Assert.All(Demo.Truth.Endpoints, e => Assert.Contains(TypedViewCatalog.All, v => !v.IsChild && v.Name == SimulatorTruth.TableName(e)));

        foreach (var view in TypedViewCatalog.All)
        {
            var (columns, rows) = warehouse.Query($"SELECT * FROM xero_typed.{view.Name}");
            Assert.Equal(TypedSqlDialect.ColumnNames(view), columns);
            var expected = ExpectedRows(view);
            Assert.True(expected.Count == rows.Count, $"xero_typed.{view.Name}: {rows.Count} rows, the simulator's records give {expected.Count}");
            int[] keyColumns = view.IsChild ? [0, 1, 1 + (view.ParentColumns?.Count ?? 0)] : [0, 1];
            var actual = rows.ToDictionary(r => Key(r, keyColumns), r => r, StringComparer.Ordinal);
            var kinds = Kinds(view);
            foreach (var row in expected)
            {
                var key = Key(row, keyColumns);
                Assert.True(actual.TryGetValue(key, out var got), $"xero_typed.{view.Name} lacks {key}");
                for (var i = 0; i < kinds.Count; i++)
                {
                    if (kinds[i] is { } kind)
                    {
                        Assert.True(TruthValue.Same(row[i], got[i], kind), $"xero_typed.{view.Name} {key} {columns[i]}: {Show(got[i])}, simulator has {Show(row[i])}");
                    }
                }
            }
        }
    }

    [Fact(Timeout = 120_000)]
    public void Unit_amounts_keep_the_four_decimals_the_simulator_holds()
    {
        var truth = Records("Invoices")
            .SelectMany(r => r.Json.GetProperty("LineItems").EnumerateArray())
            .Select(l => l.GetProperty("UnitAmount").GetDecimal())
            .ToList();
        var beyondCents = truth.Count(u => u != Math.Round(u, 2));
        Assert.True(beyondCents > truth.Count / 2, "the simulator's invoices carry four-decimal unit amounts");

        using var warehouse = Demo.OpenWarehouse();
        Assert.Equal(beyondCents, warehouse.Scalar("SELECT count(*) FROM xero_typed.invoice_line_items WHERE unit_amount <> round(unit_amount, 2)"));
        var sum = warehouse.Query("SELECT sum(unit_amount) FROM xero_typed.invoice_line_items").Rows[0][0];
        Assert.Equal(truth.Sum(), Assert.IsType<decimal>(sum));
    }

    [Theory(Timeout = 120_000)]
    [InlineData("invoices", "invoice_line_items", "invoice_id", "Invoices", "InvoiceID")]
    [InlineData("credit_notes", "credit_note_line_items", "credit_note_id", "CreditNotes", "CreditNoteID")]
    [InlineData("bank_transactions", "bank_transaction_line_items", "bank_transaction_id", "BankTransactions", "BankTransactionID")]
    [InlineData("purchase_orders", "purchase_order_line_items", "purchase_order_id", "PurchaseOrders", "PurchaseOrderID")]
    public void Each_documents_sub_total_is_the_sum_of_its_line_items(string view, string lines, string key, string endpoint, string keyField)
    {
        using var warehouse = Demo.OpenWarehouse();
        var (_, rows) = warehouse.Query($"""
            SELECT d.tenant_id, d.{key}, d.sub_total, d.total_tax, d.total, sum(l.line_amount) AS line_sum, sum(l.tax_amount) AS tax_sum
            FROM xero_typed.{view} AS d JOIN xero_typed.{lines} AS l USING (tenant_id, {key})
            GROUP BY ALL
            """);
        var truth = Records(endpoint).ToDictionary(
            r => r.Tenant + "/" + r.Json.GetProperty(keyField).GetString(),
            r => r.Json.GetProperty("LineItems").EnumerateArray().Sum(l => l.GetProperty("LineAmount").GetDecimal()));
        Assert.Equal(truth.Count, rows.Count);
        foreach (var row in rows)
        {
            var id = $"{row[0]}/{row[1]}";
            Assert.Equal(truth[id], (decimal)row[5]!);
            Assert.True((decimal)row[2]! == (decimal)row[5]!, $"{view} {id}: sub_total {row[2]} but its lines add up to {row[5]}");
            Assert.True((decimal)row[4]! == (decimal)row[2]! + (decimal)row[3]!, $"{view} {id}: total {row[4]} is not sub_total + total_tax");
        }
    }

    [Fact(Timeout = 120_000)]
    public void Every_journal_nets_to_zero_and_the_trial_balance_matches_the_simulators_journals()
    {
        using var warehouse = Demo.OpenWarehouse();
        Assert.Equal(0, warehouse.Scalar("SELECT count(*) FROM (SELECT journal_id FROM xero_typed.journal_lines GROUP BY ALL HAVING sum(net_amount) <> 0)"));
        Assert.Equal(Records("Journals").Count, warehouse.Scalar("SELECT count(DISTINCT tenant_id || journal_id) FROM xero_typed.journal_lines"));

        var truth = Records("Journals")
            .SelectMany(r => r.Json.GetProperty("JournalLines").EnumerateArray().Select(l => (r.Tenant, Code: l.GetProperty("AccountCode").GetString()!, Net: l.GetProperty("NetAmount").GetDecimal())))
            .GroupBy(l => (l.Tenant, l.Code))
            .ToDictionary(g => $"{g.Key.Tenant}/{g.Key.Code}", g => g.Sum(l => l.Net), StringComparer.Ordinal);
        var (_, rows) = warehouse.Query("SELECT tenant_id, account_code, sum(net_amount) FROM xero_typed.journal_lines GROUP BY ALL");
        Assert.Equal(truth.Count, rows.Count);
        foreach (var row in rows)
        {
            Assert.Equal(truth[$"{row[0]}/{row[1]}"], (decimal)row[2]!);
        }

        var (_, balance) = warehouse.Query("SELECT tenant_id, sum(net_amount) FROM xero_typed.journal_lines GROUP BY ALL");
        Assert.Equal(Demo.Truth.Tenants.Count, balance.Count);
        Assert.All(balance, b => Assert.Equal(0m, (decimal)b[1]!));
    }

    [Theory(Timeout = 120_000)]
    [InlineData("invoices", "Invoices", "Status")]
    [InlineData("credit_notes", "CreditNotes", "Status")]
    [InlineData("bank_transactions", "BankTransactions", "Status")]
    [InlineData("bank_transfers", "BankTransfers", "Status")]
    [InlineData("payments", "Payments", "Status")]
    [InlineData("manual_journals", "ManualJournals", "Status")]
    [InlineData("overpayments", "Overpayments", "Status")]
    [InlineData("prepayments", "Prepayments", "Status")]
    [InlineData("purchase_orders", "PurchaseOrders", "Status")]
    [InlineData("quotes", "Quotes", "Status")]
    [InlineData("contacts", "Contacts", "ContactStatus")]
    public void Counts_per_status_and_the_deleted_and_voided_flags_match_the_simulator(string view, string endpoint, string statusField)
    {
        var truth = Records(endpoint)
            .GroupBy(r => r.Json.TryGetProperty(statusField, out var s) ? s.GetString() ?? string.Empty : string.Empty)
            .ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
        using var warehouse = Demo.OpenWarehouse();
        var (_, rows) = warehouse.Query($"SELECT coalesce(status, ''), count(*), count(*) FILTER (WHERE is_deleted), count(*) FILTER (WHERE is_voided) FROM xero_typed.{view} GROUP BY ALL");
        Assert.Equal(truth, rows.ToDictionary(r => (string)r[0]!, r => (long)r[1]!, StringComparer.Ordinal));
        Assert.True(truth.Count > 1, $"{endpoint}: the simulator should hold more than one status");
        foreach (var row in rows)
        {
            Assert.Equal((string)row[0]! == "DELETED" ? (long)row[1]! : 0, (long)row[2]!);
            Assert.Equal((string)row[0]! == "VOIDED" ? (long)row[1]! : 0, (long)row[3]!);
        }
    }

    [Fact(Timeout = 120_000)]
    public void Allocations_add_up_to_what_each_paid_overpayment_and_prepayment_applied()
    {
        using var warehouse = Demo.OpenWarehouse();
        foreach (var (view, endpoint, key, keyField) in new[] { ("overpayment_allocations", "Overpayments", "overpayment_id", "OverpaymentID"), ("prepayment_allocations", "Prepayments", "prepayment_id", "PrepaymentID") })
        {
            var truth = Records(endpoint)
                .Where(r => r.Json.GetProperty("Allocations").GetArrayLength() > 0)
                .ToDictionary(r => r.Tenant + "/" + r.Json.GetProperty(keyField).GetString(), r => r.Json.GetProperty("Allocations").EnumerateArray().Sum(a => a.GetProperty("Amount").GetDecimal()));
            Assert.NotEmpty(truth);
            var (_, rows) = warehouse.Query($"SELECT tenant_id, {key}, sum(amount) FROM xero_typed.{view} GROUP BY ALL");
            Assert.Equal(truth.Count, rows.Count);
            Assert.All(rows, r => Assert.Equal(truth[$"{r[0]}/{r[1]}"], (decimal)r[2]!));
        }
    }

    private static string Show(object? value) => value switch
    {
        null => "NULL",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture) + $" ({value.GetType().Name})",
        _ => value.ToString() + $" ({value.GetType().Name})",
    };

    private static string Key(object?[] row, int[] columns) =>
        string.Join("/", columns.Select(i => Convert.ToString(row[i], CultureInfo.InvariantCulture)));

    /// <summary>
    /// The kind of each column in select order; null for tenant_id and item_index (checked through the key) and updated_at.
    /// The last, deleted_at, is checked too: NULL on every row, since the simulator deleted nothing (ReconcileTests covers the flagged ones).
    /// </summary>
    private static List<TypedKind?> Kinds(TypedView view)
    {
        var kinds = new List<TypedKind?> { null };
        if (view.IsChild)
        {
            kinds.AddRange((view.ParentColumns ?? []).Select(c => (TypedKind?)c.Kind));
            kinds.Add(null);
            kinds.AddRange(view.Columns.Select(c => (TypedKind?)c.Kind));
            kinds.Add(TypedKind.Timestamp);
        }
        else
        {
            kinds.AddRange(view.Columns.Select(c => (TypedKind?)c.Kind));
            if (view.StatusPath is not null)
            {
                kinds.AddRange([TypedKind.Text, TypedKind.Boolean, TypedKind.Boolean]);
            }

            kinds.Add(null);
            kinds.Add(TypedKind.Timestamp);
        }

        return kinds;
    }

    /// <summary>The rows a view should have, from the simulator's records: the description says which field, the JSON says what.</summary>
    private List<object?[]> ExpectedRows(TypedView view)
    {
        // A detail table (budgets_details) holds what the by-id call serves; every other table what the list serves.
        var detail = Demo.Truth.Endpoints.SingleOrDefault(e => SimulatorTruth.DetailTableName(e) == view.Table);
        var endpoint = detail ?? Demo.Truth.Endpoints.Single(e => SimulatorTruth.TableName(e) == view.Table);
        var rows = new List<object?[]>();
        foreach (var record in detail is null ? Records(endpoint) : Details(endpoint))
        {
            if (view.ArrayPath is { } arrayPath)
            {
                var array = TruthValue.At(record.Json, arrayPath);
                var index = 0;
                foreach (var element in array is { ValueKind: JsonValueKind.Array } a ? a.EnumerateArray() : default)
                {
                    var row = new List<object?> { record.Tenant };
                    row.AddRange((view.ParentColumns ?? []).Select(c => TruthValue.Expected(TruthValue.At(record.Json, c.Path), c.Kind)));
                    row.Add(++index);
                    row.AddRange(view.Columns.Select(c => TruthValue.Expected(TruthValue.At(element, c.Path), c.Kind)));
                    row.Add(null);
                    rows.Add([.. row]);
                }
            }
            else
            {
                var row = new List<object?> { record.Tenant };
                row.AddRange(view.Columns.Select(c => TruthValue.Expected(TruthValue.At(record.Json, c.Path), c.Kind)));
                if (view.StatusPath is { } statusPath)
                {
                    var status = TruthValue.At(record.Json, statusPath)?.GetString();
                    row.AddRange([status, status == "DELETED", status == "VOIDED"]);
                }

                row.Add(null);
                row.Add(null);
                rows.Add([.. row]);
            }
        }

        return rows;
    }

    private List<(string Tenant, JsonElement Json)> Details(string endpoint) =>
        [.. Demo.Truth.Tenants.SelectMany(t => Demo.Truth.GetRecordDetails(t.TenantId, endpoint).Values.Select(json => (t.TenantId, JsonDocument.Parse(json).RootElement.Clone())))];

    private List<(string Tenant, JsonElement Json)> Records(string endpoint) =>
        [.. Demo.Truth.Tenants.SelectMany(t => Demo.Truth.GetRecords(t.TenantId, endpoint).Values.Select(json => (t.TenantId, JsonDocument.Parse(json).RootElement.Clone())))];
}
