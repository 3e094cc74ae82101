using System.Globalization;
using System.Text.Json;
using XeroSync.Warehouse.Typed;

namespace XeroSync.Tests;

/// <summary>
/// Every typed and child view in DuckDB, after a full sync of two demo organisations, against the simulator's own
/// records: the views, columns, JSON paths and types are those <see cref="XeroViewSpec"/> writes down from Xero's
/// OpenAPI spec (never the code's catalog), each column of each row computed in C# from the simulator's JSON; then
/// analyses an accountant would check: totals are the sum of their lines, every journal balances, counts per status.
/// </summary>
public sealed class TypedViewTests(TypedViewFixture fixture) : IClassFixture<TypedViewFixture>
{
    /// <summary>Views of an array inside each element (each line's tracking, each budget line's periods): FinanceQuestionTests checks them.</summary>
    private static readonly string[] Nested =
    [
        "invoice_line_tracking", "credit_note_line_tracking", "bank_transaction_line_tracking", "purchase_order_line_tracking",
        "quote_line_tracking", "manual_journal_line_tracking", "journal_line_tracking", "budget_line_periods",
    ];

    private LocalDemoEnvironment Demo => fixture.Demo;

    [Fact(Timeout = 300_000)]
    public void Every_typed_view_holds_each_records_fields_converted_exactly()
    {
        using var warehouse = Demo.OpenWarehouse();
        var present = warehouse.Query("SELECT view_name FROM duckdb_views() WHERE schema_name = 'xero_typed'").Rows.Select(r => (string)r[0]!);
        Assert.Equal(XeroViewSpec.Views.Select(v => v.Name).Concat(Nested).Order(StringComparer.Ordinal), present.Order(StringComparer.Ordinal));
        Assert.All(Demo.Truth.Endpoints, e => Assert.Contains(XeroViewSpec.Views, v => v.Array is null && v.Endpoint == e));

        foreach (var view in XeroViewSpec.Views)
        {
            var (columns, rows) = warehouse.Query($"SELECT * FROM xero_typed.{view.Name}");
            var layout = Layout(view);
            Assert.Equal(layout.Select(c => c.Name), columns);
            var expected = ExpectedRows(view);
            Assert.True(expected.Count == rows.Count, $"xero_typed.{view.Name}: {rows.Count} rows, the simulator's records give {expected.Count}");
            int[] keyColumns = view.Array is not null ? [0, 1, 1 + view.Parent.Count] : [0, 1];
            var actual = rows.ToDictionary(r => Key(r, keyColumns), r => r, StringComparer.Ordinal);
            foreach (var row in expected)
            {
                var key = Key(row, keyColumns);
                Assert.True(actual.TryGetValue(key, out var got), $"xero_typed.{view.Name} lacks {key}");
                for (var i = 0; i < layout.Count; i++)
                {
                    if (layout[i].Kind is { } kind)
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
    [InlineData("manual_journals", "ManualJournals", "Status")]
    [InlineData("overpayments", "Overpayments", "Status")]
    [InlineData("prepayments", "Prepayments", "Status")]
    [InlineData("purchase_orders", "PurchaseOrders", "Status")]
    [InlineData("quotes", "Quotes", "Status")]
    [InlineData("contacts", "Contacts", "ContactStatus")]
    // Not payments: a payment is only deleted by a live change, so every payment of the frozen demo is AUTHORISED.
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
    /// README's column layout around the spec's columns, with the kind each is checked as; null for tenant_id and
    /// item_index (checked through the key) and updated_at. The last, deleted_at, is checked too: NULL on every row, since
    /// the simulator deleted nothing (ReconcileTests covers the flagged ones).
    /// </summary>
    private static List<(string Name, TypedKind? Kind)> Layout(SpecView view)
    {
        var layout = new List<(string, TypedKind?)> { ("tenant_id", null) };
        if (view.Array is not null)
        {
            layout.AddRange(view.Parent.Select(c => (c.Column, (TypedKind?)Kind(c.Type))));
            layout.Add(("item_index", null));
            layout.AddRange(view.Columns.Select(c => (c.Column, (TypedKind?)Kind(c.Type))));
            layout.Add(("deleted_at", TypedKind.Timestamp));
        }
        else
        {
            layout.AddRange(view.Columns.Select(c => (c.Column, (TypedKind?)Kind(c.Type))));
            if (view.Status is not null)
            {
                layout.AddRange([("status", TypedKind.Text), ("is_deleted", TypedKind.Boolean), ("is_voided", TypedKind.Boolean)]);
            }

            layout.Add(("updated_at", null));
            layout.Add(("deleted_at", TypedKind.Timestamp));
        }

        return layout;
    }

    private static TypedKind Kind(SpecType type) => type switch
    {
        SpecType.Text => TypedKind.Text,
        SpecType.Number => TypedKind.Number,
        SpecType.Whole => TypedKind.WholeNumber,
        SpecType.Bool => TypedKind.Boolean,
        SpecType.Stamp => TypedKind.Timestamp,
        SpecType.Date => TypedKind.Date,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>The rows a view should have, from the simulator's records: the spec says which field, the JSON says what.</summary>
    private List<object?[]> ExpectedRows(SpecView view)
    {
        var rows = new List<object?[]>();
        foreach (var record in view.Detail ? Details(view.Endpoint) : Records(view.Endpoint))
        {
            if (view.Array is { } arrayPath)
            {
                var array = TruthValue.At(record.Json, arrayPath);
                var index = 0;
                foreach (var element in array is { ValueKind: JsonValueKind.Array } a ? a.EnumerateArray() : default)
                {
                    var row = new List<object?> { record.Tenant };
                    row.AddRange(view.Parent.Select(c => TruthValue.Expected(TruthValue.At(record.Json, c.Path), Kind(c.Type))));
                    row.Add(++index);
                    row.AddRange(view.Columns.Select(c => TruthValue.Expected(TruthValue.At(element, c.Path), Kind(c.Type))));
                    row.Add(null);
                    rows.Add([.. row]);
                }
            }
            else
            {
                var row = new List<object?> { record.Tenant };
                row.AddRange(view.Columns.Select(c => TruthValue.Expected(TruthValue.At(record.Json, c.Path), Kind(c.Type))));
                if (view.Status is { } statusPath)
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
