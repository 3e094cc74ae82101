using System.Collections.Frozen;

namespace XeroSync.Xero;

/// <summary>
/// Every Accounting API collection the extractor syncs, with the facts that shape each call
/// (see shared/research/xero.md §2–§4 and docs/xero-behaviour.md: orders, summaryOnly, by-id details, deletes).
/// Employees left the spec in April 2026 and is not listed. ManualJournals send no order: with one, Xero returned
/// every manual journal instead of a page (singer-io/tap-xero CHANGELOG 2.2.3).
/// <c>AcceptsUnitDp</c> follows the <c>unitdp</c> parameter of each GET in Xero-OpenAPI xero_accounting.yaml
/// v16.1.0 (e952d0b): BankTransactions, CreditNotes, Invoices, Items, Overpayments, Prepayments, Receipts.
/// ExpenseClaims and Receipts are announced for retirement (developer.xero.com changelog 2025-07-31, Feb 2027).
/// </summary>
public static class EndpointCatalog
{
    private const string Updated = "UpdatedDateUTC";

    public static IReadOnlyList<XeroEndpoint> All { get; } =
    [
        new("Accounts", "accounts", "Accounts", "AccountID", PagingStyle.None, 0, true, Updated),
        new("BankTransactions", "bank_transactions", "BankTransactions", "BankTransactionID", PagingStyle.PageAndSize, 1000, true, Updated, AcceptsUnitDp: true) { Order = "BankTransactionID ASC" },
        new("BankTransfers", "bank_transfers", "BankTransfers", "BankTransferID", PagingStyle.None, 0, true, "CreatedDateUTC", "includeDeleted=true"),
        new("BatchPayments", "batch_payments", "BatchPayments", "BatchPaymentID", PagingStyle.None, 0, true, Updated),
        new("BrandingThemes", "branding_themes", "BrandingThemes", "BrandingThemeID", PagingStyle.None, 0, false, null),
        new("Budgets", "budgets", "Budgets", "BudgetID", PagingStyle.None, 0, false, Updated, NotEntitledIsSkip: true) { DetailOnlyField = "BudgetLines" },
        new("ContactGroups", "contact_groups", "ContactGroups", "ContactGroupID", PagingStyle.None, 0, false, null) { DetailOnlyField = "Contacts" },
        new("Contacts", "contacts", "Contacts", "ContactID", PagingStyle.PageAndSize, 1000, true, Updated, "includeArchived=true") { Order = "ContactID ASC", SupportsSummaryOnly = true, AcceptsIds = true },
        new("CreditNotes", "credit_notes", "CreditNotes", "CreditNoteID", PagingStyle.PageAndSize, 1000, true, Updated, AcceptsUnitDp: true) { Order = "CreditNoteID ASC" },
        new("Currencies", "currencies", "Currencies", "Code", PagingStyle.None, 0, false, null),
        new("ExpenseClaims", "expense_claims", "ExpenseClaims", "ExpenseClaimID", PagingStyle.None, 0, true, Updated, RetirementAnnounced: true),
        new("Invoices", "invoices", "Invoices", "InvoiceID", PagingStyle.PageAndSize, 1000, true, Updated, "includeArchived=true", AcceptsUnitDp: true) { Order = "InvoiceID ASC", SupportsSummaryOnly = true, AcceptsIds = true },
        new("Items", "items", "Items", "ItemID", PagingStyle.None, 0, true, Updated, AcceptsUnitDp: true),
        new("Journals", "journals", "Journals", "JournalID", PagingStyle.Offset, 100, false, "CreatedDateUTC", NotEntitledIsSkip: true),
        new("LinkedTransactions", "linked_transactions", "LinkedTransactions", "LinkedTransactionID", PagingStyle.PageOnly, 100, false, Updated),
        new("ManualJournals", "manual_journals", "ManualJournals", "ManualJournalID", PagingStyle.PageAndSize, 1000, true, Updated),
        new("Organisation", "organisation", "Organisations", "OrganisationID", PagingStyle.None, 0, false, null),
        new("Overpayments", "overpayments", "Overpayments", "OverpaymentID", PagingStyle.PageAndSize, 1000, true, Updated, AcceptsUnitDp: true) { Order = "OverpaymentID ASC" },
        new("Payments", "payments", "Payments", "PaymentID", PagingStyle.PageAndSize, 1000, true, Updated) { Order = "PaymentID ASC" },
        new("Prepayments", "prepayments", "Prepayments", "PrepaymentID", PagingStyle.PageAndSize, 1000, true, Updated, AcceptsUnitDp: true) { Order = "PrepaymentID ASC" },
        new("PurchaseOrders", "purchase_orders", "PurchaseOrders", "PurchaseOrderID", PagingStyle.PageAndSize, 1000, true, Updated) { Order = "PurchaseOrderID ASC" },
        new("Quotes", "quotes", "Quotes", "QuoteID", PagingStyle.PageOnly, 100, true, Updated) { Order = "QuoteID ASC" },
        new("Receipts", "receipts", "Receipts", "ReceiptID", PagingStyle.None, 0, true, Updated, AcceptsUnitDp: true, RetirementAnnounced: true),
        new("RepeatingInvoices", "repeating_invoices", "RepeatingInvoices", "RepeatingInvoiceID", PagingStyle.None, 0, false, null),
        new("TaxRates", "tax_rates", "TaxRates", "TaxType", PagingStyle.None, 0, false, null),
        new("TrackingCategories", "tracking_categories", "TrackingCategories", "TrackingCategoryID", PagingStyle.None, 0, false, null, "includeArchived=true"),
        new("Users", "users", "Users", "UserID", PagingStyle.None, 0, true, Updated),
    ];

    /// <summary>
    /// What the list calls leave out, read one record at a time after the parent's list (docs/xero-behaviour.md, by-id):
    /// budgets with their lines, contact groups with their members. Each lands in its own table; a run that syncs the
    /// parent syncs its details. Not in <see cref="All"/>: they are never requested on their own.
    /// </summary>
    public static IReadOnlyList<XeroEndpoint> Details { get; } =
    [
        new("BudgetsDetails", "budgets_details", "Budgets", "BudgetID", PagingStyle.Detail, 1, false, Updated, NotEntitledIsSkip: true) { DetailOf = "Budgets" },
        new("ContactGroupsDetails", "contact_groups_details", "ContactGroups", "ContactGroupID", PagingStyle.Detail, 1, false, null) { DetailOf = "ContactGroups" },
    ];

    /// <summary>Every endpoint that has a raw table and views: the listed ones and their details.</summary>
    public static IReadOnlyList<XeroEndpoint> Tables { get; } = [.. All, .. Details];

    private static readonly FrozenDictionary<string, XeroEndpoint> ByName =
        Tables.ToFrozenDictionary(e => e.Name, StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, XeroEndpoint> ByTable =
        Tables.ToFrozenDictionary(e => e.TableName, StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, XeroEndpoint> DetailsByParent =
        Details.ToFrozenDictionary(e => e.DetailOf!, StringComparer.Ordinal);

    /// <summary>The detail endpoint that completes <paramref name="endpoint"/>'s list, if any.</summary>
    public static XeroEndpoint? DetailsOf(XeroEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return DetailsByParent.GetValueOrDefault(endpoint.Name);
    }

    /// <summary>The listed endpoint a detail endpoint completes (its by-id calls go to that endpoint's path).</summary>
    public static XeroEndpoint ParentOf(XeroEndpoint details)
    {
        ArgumentNullException.ThrowIfNull(details);
        return details.DetailOf is { } parent ? Get(parent) : throw new ArgumentException($"{details.Name} is not a detail endpoint.", nameof(details));
    }

    /// <summary>Finds an endpoint by Xero name (case-insensitive) or snake_case table name.</summary>
    public static bool TryGet(string? name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out XeroEndpoint? endpoint)
    {
        endpoint = null;
        if (string.IsNullOrWhiteSpace(name))
        {
            return false;
        }

        return ByName.TryGetValue(name, out endpoint) || ByTable.TryGetValue(name.ToLowerInvariant(), out endpoint);
    }

    /// <summary>Finds an endpoint or throws with the list of valid names.</summary>
    public static XeroEndpoint Get(string name) =>
        TryGet(name, out var endpoint)
            ? endpoint
            : throw new ArgumentException($"Unknown Xero endpoint '{Identifiers.Printable(name)}'. Known endpoints: {string.Join(", ", All.Select(e => e.Name))}.", nameof(name));
}
