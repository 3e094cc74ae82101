namespace XeroSync.XeroSimulator.Data;

/// <summary>
/// The collections the simulator serves, with Xero's paging, ordering, filter and delete behaviour. unitdp: the
/// GET operations of Xero-OpenAPI xero_accounting.yaml v16.1.0 that list the <c>unitdp</c> parameter.
/// </summary>
internal static class EndpointCatalog
{
    private const string Updated = "UpdatedDateUTC";

    public static IReadOnlyList<EndpointDefinition> All { get; } =
    [
        new("Accounts", "Accounts", "AccountID", PagingMode.None, true, Updated, null, null, 60) { SupportsOrder = true, Delete = DeleteMode.Hard, MinimumCount = 16 },
        new("BankTransactions", "BankTransactions", "BankTransactionID", PagingMode.PageAndSize, true, Updated, null, null, 400, AcceptsUnitDp: true) { SupportsOrder = true, Delete = DeleteMode.SoftStatus },
        new("BankTransfers", "BankTransfers", "BankTransferID", PagingMode.None, true, "CreatedDateUTC", "DELETED", "includeDeleted", 80) { SupportsOrder = true, Delete = DeleteMode.SoftSilent },
        new("BatchPayments", "BatchPayments", "BatchPaymentID", PagingMode.None, true, Updated, null, null, 40) { SupportsOrder = true, Delete = DeleteMode.SoftStatus },
        new("BrandingThemes", "BrandingThemes", "BrandingThemeID", PagingMode.None, false, null, null, null, 3),
        new("Budgets", "Budgets", "BudgetID", PagingMode.None, false, Updated, null, null, 4) { DetailOnlyArray = "BudgetLines" },
        new("ContactGroups", "ContactGroups", "ContactGroupID", PagingMode.None, false, null, null, null, 6) { SupportsOrder = true, Delete = DeleteMode.Hard },
        new("Contacts", "Contacts", "ContactID", PagingMode.PageAndSize, true, Updated, "ARCHIVED", "includeArchived", 1500)
        {
            SupportsOrder = true,
            SummaryOnlyDrops = ["Addresses", "Phones", "ContactPersons", "Balances", "BankAccountDetails", "PaymentTerms"],
        },
        new("CreditNotes", "CreditNotes", "CreditNoteID", PagingMode.PageAndSize, true, Updated, null, null, 150, AcceptsUnitDp: true) { SupportsOrder = true, Delete = DeleteMode.SoftStatus },
        new("Currencies", "Currencies", "Code", PagingMode.None, false, null, null, null, 5) { SupportsOrder = true, MinimumCount = 5 },
        new("ExpenseClaims", "ExpenseClaims", "ExpenseClaimID", PagingMode.None, true, Updated, null, null, 30) { SupportsOrder = true, Delete = DeleteMode.SoftStatus },
        new("Invoices", "Invoices", "InvoiceID", PagingMode.PageAndSize, true, Updated, "ARCHIVED", "includeArchived", 1000, AcceptsUnitDp: true)
        {
            SupportsOrder = true,
            SummaryOnlyDrops = ["LineItems", "Payments", "CreditNotes", "Prepayments", "Overpayments"],
            Delete = DeleteMode.SoftStatus,
        },
        new("Items", "Items", "ItemID", PagingMode.None, true, Updated, null, null, 120, AcceptsUnitDp: true) { SupportsOrder = true, Delete = DeleteMode.Hard },
        new("Journals", "Journals", "JournalID", PagingMode.Offset, true, "CreatedDateUTC", null, null, 0) { Derived = true },
        new("LinkedTransactions", "LinkedTransactions", "LinkedTransactionID", PagingMode.PageOnly, false, Updated, null, null, 150) { Delete = DeleteMode.Hard },
        new("ManualJournals", "ManualJournals", "ManualJournalID", PagingMode.PageAndSize, true, Updated, null, null, 100) { SupportsOrder = true, Delete = DeleteMode.SoftStatus },
        new("Organisation", "Organisations", "OrganisationID", PagingMode.None, false, null, null, null, 1),
        new("Overpayments", "Overpayments", "OverpaymentID", PagingMode.PageAndSize, true, Updated, null, null, 120, AcceptsUnitDp: true) { SupportsOrder = true },
        new("Payments", "Payments", "PaymentID", PagingMode.PageAndSize, true, Updated, null, null, 0) { SupportsOrder = true, Delete = DeleteMode.SoftStatus, Derived = true },
        new("Prepayments", "Prepayments", "PrepaymentID", PagingMode.PageAndSize, true, Updated, null, null, 120, AcceptsUnitDp: true) { SupportsOrder = true },
        new("PurchaseOrders", "PurchaseOrders", "PurchaseOrderID", PagingMode.PageAndSize, true, Updated, null, null, 900) { SupportsOrder = true, Delete = DeleteMode.SoftStatus },
        new("Quotes", "Quotes", "QuoteID", PagingMode.PageOnly, true, Updated, null, null, 350) { SupportsOrder = true, Delete = DeleteMode.SoftStatus },
        new("Receipts", "Receipts", "ReceiptID", PagingMode.None, true, Updated, null, null, 40, AcceptsUnitDp: true) { SupportsOrder = true },
        new("RepeatingInvoices", "RepeatingInvoices", "RepeatingInvoiceID", PagingMode.None, false, null, null, null, 25) { SupportsOrder = true, Delete = DeleteMode.SoftStatus },
        new("TaxRates", "TaxRates", "TaxType", PagingMode.None, false, null, null, null, 12) { SupportsOrder = true },
        new("TrackingCategories", "TrackingCategories", "TrackingCategoryID", PagingMode.None, false, null, "ARCHIVED", "includeArchived", 3) { SupportsOrder = true, Delete = DeleteMode.Hard, MinimumCount = 2 },
        new("Users", "Users", "UserID", PagingMode.None, true, Updated, null, null, 8) { SupportsOrder = true },
    ];

    private static readonly Dictionary<string, EndpointDefinition> ByName =
        All.ToDictionary(d => d.Name, StringComparer.OrdinalIgnoreCase);

    public static EndpointDefinition? Find(string name) => ByName.GetValueOrDefault(name);

    public static EndpointDefinition Get(string name) =>
        Find(name) ?? throw new ArgumentException($"Unknown endpoint '{name}'.", nameof(name));
}
