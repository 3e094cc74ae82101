using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using XeroSync.Tests.OpenApi;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>
/// Every response the simulator serves conforms to Xero's Accounting API description (the pinned
/// Xero-OpenAPI xero_accounting.yaml, see OpenApi/SOURCE.md): every page of every collection (and its
/// summaryOnly, unitdp and includeArchived variants where the description lists them), every record by id, the
/// records an hour of edits and creations leaves, and the reports, each validated against its operation's 200
/// schema with no field the schema does not list.
/// </summary>
public sealed class OpenApiConformanceTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The collections the product reads (Xero's Accounting API GET collections, as the description names their
    /// paths), each with the path parameter of its by-id operation (<c>/{collection}/{parameter}</c>; null: Xero
    /// has none), which is also the record's id field.
    /// </summary>
    private static readonly (string Collection, string? IdParameter)[] Collections =
    [
        ("Accounts", "AccountID"), ("BankTransactions", "BankTransactionID"), ("BankTransfers", "BankTransferID"),
        ("BatchPayments", "BatchPaymentID"), ("BrandingThemes", "BrandingThemeID"), ("Budgets", "BudgetID"),
        ("ContactGroups", "ContactGroupID"), ("Contacts", "ContactID"), ("CreditNotes", "CreditNoteID"),
        ("Currencies", null), ("ExpenseClaims", "ExpenseClaimID"), ("Invoices", "InvoiceID"), ("Items", "ItemID"),
        ("Journals", "JournalID"), ("LinkedTransactions", "LinkedTransactionID"), ("ManualJournals", "ManualJournalID"),
        ("Organisation", null), ("Overpayments", "OverpaymentID"), ("Payments", "PaymentID"),
        ("Prepayments", "PrepaymentID"), ("PurchaseOrders", "PurchaseOrderID"), ("Quotes", "QuoteID"),
        ("Receipts", "ReceiptID"), ("RepeatingInvoices", "RepeatingInvoiceID"), ("TaxRates", "TaxType"),
        ("TrackingCategories", "TrackingCategoryID"), ("Users", "UserID"),
    ];

    /// <summary>The reports the simulator serves, with the dates asked for (Xero's <c>date</c> parameter, YYYY-MM-DD).</summary>
    private static readonly string[] Reports = ["Reports/TrialBalance", "Reports/BalanceSheet"];

    private static readonly string[] ReportDates = ["2026-03-01", "2026-02-28", "2025-12-31", "2025-03-31"];

    [Fact(Timeout = 30_000)]
    public void Xero_s_own_example_responses_conform()
    {
        var spec = XeroOpenApi.Load();
        Assert.Equal("16.1.0", spec.Version);
        var examples = Collections.Select(c => "/" + c.Collection).Concat(Reports.Select(r => "/" + r))
            .Select(path => (Path: path, Example: spec.Example(path)))
            .Where(e => e.Example is not null)
            .ToList();
        Assert.True(examples.Count >= 20, $"only {examples.Count} of the operations have an example");
        Assert.All(examples, e => Assert.Empty(spec.Validate(e.Path, e.Example!.Value)));
        Assert.All(examples.Where(e => e.Path != "/Accounts"), e => Assert.All(XeroOpenApi.EnvelopeFields, f => Assert.True(e.Example!.Value.TryGetProperty(f, out _), $"{e.Path}: {f}")));
    }

    [Fact(Timeout = 30_000)]
    public void A_field_the_schema_does_not_list_fails_validation()
    {
        var spec = XeroOpenApi.Load();
        using var fixture = JsonDocument.Parse("""
            {"Id":"6a6b2a3b-1f70-4a48-9d5f-0c1c2f1d9a10","Status":"OK","ProviderName":"p","DateTimeUTC":"/Date(1552326816230)/",
             "PurchaseOrders":[{"PurchaseOrderID":"9d5e8a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b","Status":"DRAFT","Name":"not a Xero field"}]}
            """);
        var violations = spec.Validate("/PurchaseOrders", fixture.RootElement);
        Assert.Contains(violations, v => v.Contains("/PurchaseOrders/0/Name", StringComparison.Ordinal));
        Assert.Single(violations, v => v.Contains("/PurchaseOrders/0", StringComparison.Ordinal));
    }

    [Fact(Timeout = 300_000)]
    public async Task Every_response_conforms_to_Xero_s_OpenAPI_description()
    {
        var spec = XeroOpenApi.Load();
        var clock = new FakeTimeProvider(Start);
        await using var simulator = await TestSimulator.StartAsync(new SimulatorOptions
        {
            Clock = clock,
            Scale = 0.3,
            CreatedAt = Start,
            ChangesPerMinute = 10,
            PerMinuteLimit = 1_000_000,
            DailyLimit = 1_000_000,
        });
        var check = new Conformance(simulator, spec);
        TestContext.Current.TestOutputHelper?.WriteLine("Admitted from Xero's examples:\n" + string.Join('\n', spec.AdmittedFromExamples));

        foreach (var (collection, idParameter) in Collections)
        {
            var path = "/" + collection;
            Assert.True(spec.HasGet(path), $"The description has no GET {path}.");
            var parameters = spec.QueryParameters(path);
            var records = await check.ListAsync(collection, parameters, null, null);
            Assert.True(records.Count > 0, $"{collection}: the simulator served no record.");
            foreach (var variant in new[] { "summaryOnly=true", "unitdp=4", "includeArchived=true" }.Where(v => parameters.Contains(v.Split('=')[0])))
            {
                records.AddRange(await check.ListAsync(collection, parameters, variant, null));
            }

            if (idParameter is not null)
            {
                var byId = $"/{collection}/{{{idParameter}}}";
                Assert.True(spec.HasGet(byId), $"The description has no GET {byId}.");
                foreach (var id in records.Select(r => r.GetProperty(idParameter).ToString()).Distinct(StringComparer.Ordinal))
                {
                    await check.GetAsync(byId, $"{collection}/{Uri.EscapeDataString(id)}");
                }
            }
        }

        foreach (var report in Reports)
        {
            foreach (var date in ReportDates)
            {
                await check.GetAsync("/" + report, $"{report}?date={date}");
            }
        }

        // An hour of the organisation's life: edits and new records (with their payments and journals), read back
        // through If-Modified-Since, and by id.
        clock.Advance(TimeSpan.FromHours(1));
        await simulator.AuthenticateAsync();
        var since = Start.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
        var changed = 0;
        foreach (var (collection, idParameter) in Collections)
        {
            var parameters = spec.QueryParameters("/" + collection);
            var records = await check.ListAsync(collection, parameters, null, since);
            changed += records.Count;
            if (idParameter is not null)
            {
                foreach (var id in records.Select(r => r.GetProperty(idParameter).ToString()).Distinct(StringComparer.Ordinal))
                {
                    await check.GetAsync($"/{collection}/{{{idParameter}}}", $"{collection}/{Uri.EscapeDataString(id)}");
                }
            }
        }

        Assert.True(changed > 100, $"an hour of changes left only {changed} changed records");
        Assert.True(check.Responses > 1000, $"only {check.Responses} responses validated");
        Assert.True(check.Violations.Count == 0, $"{check.Violations.Count} violations in {check.Responses} responses:\n" + check.Summary());
    }
}
