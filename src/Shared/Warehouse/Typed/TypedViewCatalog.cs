using static XeroSync.Warehouse.Typed.TypedKind;

namespace XeroSync.Warehouse.Typed;

/// <summary>
/// The one description of every typed view: per endpoint a table of (column, JSON path, type), and child views
/// for nested arrays. Field names follow Xero's Accounting API (Xero-OpenAPI xero_accounting.yaml, the fixtures in
/// shared/fixtures/xero). A field a record lacks is NULL. Both warehouses generate their views from this list.
/// </summary>
public static class TypedViewCatalog
{
    /// <summary>The DuckDB schema and default BigQuery dataset of the typed views.</summary>
    public const string DefaultSchema = "xero_typed";

    private const string Status = "Status";

    private static readonly TypedColumn[] LineItem =
    [
        C("line_item_id", "LineItemID"), C("description", "Description"), N("quantity", "Quantity"),
        N("unit_amount", "UnitAmount"), N("line_amount", "LineAmount"), N("tax_amount", "TaxAmount"),
        N("discount_rate", "DiscountRate"), C("account_code", "AccountCode"), C("tax_type", "TaxType"), C("item_code", "ItemCode"),
    ];

    private static readonly TypedColumn[] Allocation =
    [
        C("allocation_id", "AllocationID"), C("invoice_id", "Invoice.InvoiceID"), C("invoice_number", "Invoice.InvoiceNumber"),
        N("amount", "Amount"), D("date", "Date"), B("is_deleted", "IsDeleted"),
    ];

    private static readonly TypedColumn[] Credit =
    [
        C("type", "Type"), C("contact_id", "Contact.ContactID"), C("contact_name", "Contact.Name"), D("date", "Date"),
        C("reference", "Reference"), C("line_amount_types", "LineAmountTypes"), N("sub_total", "SubTotal"),
        N("total_tax", "TotalTax"), N("total", "Total"), N("remaining_credit", "RemainingCredit"),
        C("currency_code", "CurrencyCode"), N("currency_rate", "CurrencyRate"),
    ];

    /// <summary>A line's tracking (LineItemTracking; a journal line's TrackingCategories carry the same four fields).</summary>
    private static readonly TypedColumn[] Tracking =
    [
        C("tracking_category_id", "TrackingCategoryID"), C("tracking_category_name", "Name"),
        C("tracking_option_id", "TrackingOptionID"), C("tracking_option_name", "Option"),
    ];

    private static readonly TypedColumn[] LineItemId = [C("line_item_id", "LineItemID")];

    public static IReadOnlyList<TypedView> All { get; } =
    [
        Record("accounts", Status, C("account_id", "AccountID"), C("code", "Code"), C("name", "Name"), C("type", "Type"), C("class", "Class"),
            C("tax_type", "TaxType"), C("description", "Description"), C("currency_code", "CurrencyCode"), C("bank_account_number", "BankAccountNumber"),
            C("bank_account_type", "BankAccountType"), B("enable_payments_to_account", "EnablePaymentsToAccount"), C("reporting_code", "ReportingCode"),
            C("system_account", "SystemAccount")),
        Record("bank_transactions", Status, C("bank_transaction_id", "BankTransactionID"), C("type", "Type"), C("contact_id", "Contact.ContactID"),
            C("contact_name", "Contact.Name"), C("bank_account_id", "BankAccount.AccountID"), C("bank_account_code", "BankAccount.Code"), D("date", "Date"),
            C("reference", "Reference"), B("is_reconciled", "IsReconciled"), C("line_amount_types", "LineAmountTypes"), N("sub_total", "SubTotal"),
            N("total_tax", "TotalTax"), N("total", "Total"), C("currency_code", "CurrencyCode"), N("currency_rate", "CurrencyRate"),
            C("prepayment_id", "PrepaymentID"), C("overpayment_id", "OverpaymentID")),
        Record("bank_transfers", Status, C("bank_transfer_id", "BankTransferID"), D("date", "Date"), N("amount", "Amount"),
            C("from_bank_account_id", "FromBankAccount.AccountID"), C("to_bank_account_id", "ToBankAccount.AccountID"),
            C("from_bank_transaction_id", "FromBankTransactionID"), C("to_bank_transaction_id", "ToBankTransactionID"),
            B("from_is_reconciled", "FromIsReconciled"), B("to_is_reconciled", "ToIsReconciled"), C("reference", "Reference"),
            N("currency_rate", "CurrencyRate"), Ts("created_at", "CreatedDateUTC")),
        Record("batch_payments", Status, C("batch_payment_id", "BatchPaymentID"), C("account_id", "Account.AccountID"), D("date", "Date"),
            C("reference", "Reference"), C("type", "Type"), N("total_amount", "TotalAmount"), B("is_reconciled", "IsReconciled")),
        Record("branding_themes", null, C("branding_theme_id", "BrandingThemeID"), C("name", "Name"), C("type", "Type"), I("sort_order", "SortOrder"),
            Ts("created_at", "CreatedDateUTC")),
        Record("budgets", Status, C("budget_id", "BudgetID"), C("type", "Type"), C("description", "Description")),
        Record("contact_groups", Status, C("contact_group_id", "ContactGroupID"), C("name", "Name")),
        Record("contacts", "ContactStatus", C("contact_id", "ContactID"), C("name", "Name"), C("first_name", "FirstName"), C("last_name", "LastName"),
            C("email_address", "EmailAddress"), C("contact_number", "ContactNumber"), C("account_number", "AccountNumber"),
            C("company_number", "CompanyNumber"), C("tax_number", "TaxNumber"), B("is_customer", "IsCustomer"), B("is_supplier", "IsSupplier"),
            C("default_currency", "DefaultCurrency"), N("receivables_outstanding", "Balances.AccountsReceivable.Outstanding"),
            N("receivables_overdue", "Balances.AccountsReceivable.Overdue"), N("payables_outstanding", "Balances.AccountsPayable.Outstanding"),
            N("payables_overdue", "Balances.AccountsPayable.Overdue")),
        Record("credit_notes", Status, [C("credit_note_id", "CreditNoteID"), C("credit_note_number", "CreditNoteNumber"), .. Credit,
            D("fully_paid_on_date", "FullyPaidOnDate"), B("sent_to_contact", "SentToContact")]),
        Record("currencies", null, C("code", "Code"), C("description", "Description")),
        Record("expense_claims", Status, C("expense_claim_id", "ExpenseClaimID"), C("user_id", "User.UserID"), N("total", "Total"),
            N("amount_due", "AmountDue"), N("amount_paid", "AmountPaid"), D("payment_due_date", "PaymentDueDate"), D("reporting_date", "ReportingDate")),
        Record("invoices", Status, C("invoice_id", "InvoiceID"), C("invoice_number", "InvoiceNumber"), C("type", "Type"),
            C("contact_id", "Contact.ContactID"), C("contact_name", "Contact.Name"), D("date", "Date"), D("due_date", "DueDate"),
            C("reference", "Reference"), C("line_amount_types", "LineAmountTypes"), N("sub_total", "SubTotal"), N("total_tax", "TotalTax"),
            N("total", "Total"), N("total_discount", "TotalDiscount"), N("amount_due", "AmountDue"), N("amount_paid", "AmountPaid"),
            N("amount_credited", "AmountCredited"), C("currency_code", "CurrencyCode"), N("currency_rate", "CurrencyRate"),
            D("fully_paid_on_date", "FullyPaidOnDate"), D("expected_payment_date", "ExpectedPaymentDate"), B("sent_to_contact", "SentToContact"),
            B("has_attachments", "HasAttachments"), C("repeating_invoice_id", "RepeatingInvoiceID"), C("branding_theme_id", "BrandingThemeID")),
        Record("items", null, C("item_id", "ItemID"), C("code", "Code"), C("name", "Name"), C("description", "Description"),
            C("purchase_description", "PurchaseDescription"), B("is_sold", "IsSold"), B("is_purchased", "IsPurchased"),
            B("is_tracked_as_inventory", "IsTrackedAsInventory"), N("sales_unit_price", "SalesDetails.UnitPrice"),
            C("sales_account_code", "SalesDetails.AccountCode"), C("sales_tax_type", "SalesDetails.TaxType"),
            N("purchase_unit_price", "PurchaseDetails.UnitPrice"), C("purchase_account_code", "PurchaseDetails.AccountCode"),
            C("purchase_tax_type", "PurchaseDetails.TaxType"), N("quantity_on_hand", "QuantityOnHand"), N("total_cost_pool", "TotalCostPool")),
        Record("journals", null, C("journal_id", "JournalID"), I("journal_number", "JournalNumber"), D("journal_date", "JournalDate"),
            Ts("created_at", "CreatedDateUTC"), C("reference", "Reference"), C("source_id", "SourceID"), C("source_type", "SourceType")),
        Record("linked_transactions", Status, C("linked_transaction_id", "LinkedTransactionID"), C("type", "Type"),
            C("source_transaction_id", "SourceTransactionID"), C("source_line_item_id", "SourceLineItemID"),
            C("source_transaction_type_code", "SourceTransactionTypeCode"), C("contact_id", "ContactID"),
            C("target_transaction_id", "TargetTransactionID"), C("target_line_item_id", "TargetLineItemID")),
        Record("manual_journals", Status, C("manual_journal_id", "ManualJournalID"), D("date", "Date"), C("narration", "Narration"),
            C("line_amount_types", "LineAmountTypes"), B("show_on_cash_basis_reports", "ShowOnCashBasisReports")),
        Record("organisation", "OrganisationStatus", C("organisation_id", "OrganisationID"), C("name", "Name"), C("legal_name", "LegalName"),
            C("short_code", "ShortCode"), C("version", "Version"), C("organisation_type", "OrganisationType"), C("base_currency", "BaseCurrency"),
            C("country_code", "CountryCode"), B("is_demo_company", "IsDemoCompany"), C("tax_number", "TaxNumber"),
            I("financial_year_end_day", "FinancialYearEndDay"), I("financial_year_end_month", "FinancialYearEndMonth"),
            C("sales_tax_basis", "SalesTaxBasis"), C("sales_tax_period", "SalesTaxPeriod"), D("period_lock_date", "PeriodLockDate"),
            D("end_of_year_lock_date", "EndOfYearLockDate"), Ts("created_at", "CreatedDateUTC"), C("timezone", "Timezone"),
            C("edition", "Edition"), C("class", "Class")),
        Record("overpayments", Status, [C("overpayment_id", "OverpaymentID"), .. Credit]),
        Record("payments", Status, C("payment_id", "PaymentID"), C("payment_type", "PaymentType"), D("date", "Date"), N("amount", "Amount"),
            N("bank_amount", "BankAmount"), N("currency_rate", "CurrencyRate"), C("reference", "Reference"), B("is_reconciled", "IsReconciled"),
            C("account_id", "Account.AccountID"), C("account_code", "Account.Code"), C("invoice_id", "Invoice.InvoiceID"),
            C("invoice_number", "Invoice.InvoiceNumber"), C("invoice_type", "Invoice.Type"), C("contact_id", "Invoice.Contact.ContactID"),
            C("credit_note_id", "CreditNote.CreditNoteID"), C("prepayment_id", "Prepayment.PrepaymentID"),
            C("overpayment_id", "Overpayment.OverpaymentID"), C("batch_payment_id", "BatchPaymentID")),
        Record("prepayments", Status, [C("prepayment_id", "PrepaymentID"), C("invoice_number", "InvoiceNumber"), .. Credit]),
        Record("purchase_orders", Status, C("purchase_order_id", "PurchaseOrderID"), C("purchase_order_number", "PurchaseOrderNumber"),
            C("type", "Type"), C("contact_id", "Contact.ContactID"), C("contact_name", "Contact.Name"), D("date", "Date"),
            D("delivery_date", "DeliveryDate"), D("expected_arrival_date", "ExpectedArrivalDate"), C("reference", "Reference"),
            C("attention_to", "AttentionTo"), C("line_amount_types", "LineAmountTypes"), N("sub_total", "SubTotal"),
            N("total_tax", "TotalTax"), N("total", "Total"), N("total_discount", "TotalDiscount"), C("currency_code", "CurrencyCode"),
            N("currency_rate", "CurrencyRate"), B("sent_to_contact", "SentToContact")),
        Record("quotes", Status, C("quote_id", "QuoteID"), C("quote_number", "QuoteNumber"), C("reference", "Reference"), C("title", "Title"),
            C("contact_id", "Contact.ContactID"), C("contact_name", "Contact.Name"), D("date", "Date"), D("expiry_date", "ExpiryDate"),
            C("line_amount_types", "LineAmountTypes"), N("sub_total", "SubTotal"), N("total_tax", "TotalTax"), N("total", "Total"),
            N("total_discount", "TotalDiscount"), C("currency_code", "CurrencyCode"), N("currency_rate", "CurrencyRate")),
        Record("receipts", Status, C("receipt_id", "ReceiptID"), C("receipt_number", "ReceiptNumber"), C("contact_id", "Contact.ContactID"),
            C("user_id", "User.UserID"), D("date", "Date"), C("reference", "Reference"), C("line_amount_types", "LineAmountTypes"),
            N("sub_total", "SubTotal"), N("total_tax", "TotalTax"), N("total", "Total")),
        Record("repeating_invoices", Status, C("repeating_invoice_id", "RepeatingInvoiceID"), C("type", "Type"),
            C("contact_id", "Contact.ContactID"), C("contact_name", "Contact.Name"), C("reference", "Reference"),
            C("line_amount_types", "LineAmountTypes"), N("sub_total", "SubTotal"), N("total_tax", "TotalTax"), N("total", "Total"),
            C("currency_code", "CurrencyCode"), I("schedule_period", "Schedule.Period"), C("schedule_unit", "Schedule.Unit"),
            I("schedule_due_date", "Schedule.DueDate"), C("schedule_due_date_type", "Schedule.DueDateType"),
            D("schedule_start_date", "Schedule.StartDate"), D("schedule_next_scheduled_date", "Schedule.NextScheduledDate"),
            D("schedule_end_date", "Schedule.EndDate")),
        Record("tax_rates", Status, C("tax_type", "TaxType"), C("name", "Name"), C("report_tax_type", "ReportTaxType"),
            N("display_tax_rate", "DisplayTaxRate"), N("effective_rate", "EffectiveRate"), B("can_apply_to_assets", "CanApplyToAssets"),
            B("can_apply_to_equity", "CanApplyToEquity"), B("can_apply_to_expenses", "CanApplyToExpenses"),
            B("can_apply_to_liabilities", "CanApplyToLiabilities"), B("can_apply_to_revenue", "CanApplyToRevenue")),
        Record("tracking_categories", Status, C("tracking_category_id", "TrackingCategoryID"), C("name", "Name")),
        Record("users", null, C("user_id", "UserID"), C("email_address", "EmailAddress"), C("first_name", "FirstName"),
            C("last_name", "LastName"), C("organisation_role", "OrganisationRole"), B("is_subscriber", "IsSubscriber")),

        Child("invoice_line_items", "invoices", "LineItems", [C("invoice_id", "InvoiceID")], LineItem),
        Child("invoice_payments", "invoices", "Payments", [C("invoice_id", "InvoiceID")],
            [C("payment_id", "PaymentID"), D("date", "Date"), N("amount", "Amount"), C("reference", "Reference"), N("currency_rate", "CurrencyRate")]),
        Child("credit_note_line_items", "credit_notes", "LineItems", [C("credit_note_id", "CreditNoteID")], LineItem),
        Child("credit_note_allocations", "credit_notes", "Allocations", [C("credit_note_id", "CreditNoteID")], Allocation),
        Child("bank_transaction_line_items", "bank_transactions", "LineItems", [C("bank_transaction_id", "BankTransactionID")], LineItem),
        Child("purchase_order_line_items", "purchase_orders", "LineItems", [C("purchase_order_id", "PurchaseOrderID")], LineItem),
        Child("quote_line_items", "quotes", "LineItems", [C("quote_id", "QuoteID")], LineItem),
        Child("overpayment_allocations", "overpayments", "Allocations", [C("overpayment_id", "OverpaymentID")], Allocation),
        Child("prepayment_allocations", "prepayments", "Allocations", [C("prepayment_id", "PrepaymentID")], Allocation),
        Child("journal_lines", "journals", "JournalLines", [C("journal_id", "JournalID")],
            [C("journal_line_id", "JournalLineID"), C("account_id", "AccountID"), C("account_code", "AccountCode"),
             C("account_type", "AccountType"), C("account_name", "AccountName"), C("description", "Description"),
             N("net_amount", "NetAmount"), N("gross_amount", "GrossAmount"), N("tax_amount", "TaxAmount"), C("tax_type", "TaxType"),
             C("tax_name", "TaxName")]),
        Child("manual_journal_lines", "manual_journals", "JournalLines", [C("manual_journal_id", "ManualJournalID")],
            [C("account_code", "AccountCode"), C("description", "Description"), N("line_amount", "LineAmount"), C("tax_type", "TaxType"),
             N("tax_amount", "TaxAmount"), B("is_blank", "IsBlank")]),
        Child("contact_addresses", "contacts", "Addresses", [C("contact_id", "ContactID")],
            [C("address_type", "AddressType"), C("address_line1", "AddressLine1"), C("address_line2", "AddressLine2"),
             C("address_line3", "AddressLine3"), C("address_line4", "AddressLine4"), C("city", "City"), C("region", "Region"),
             C("postal_code", "PostalCode"), C("country", "Country"), C("attention_to", "AttentionTo")]),
        Child("contact_phones", "contacts", "Phones", [C("contact_id", "ContactID")],
            [C("phone_type", "PhoneType"), C("phone_number", "PhoneNumber"), C("phone_area_code", "PhoneAreaCode"),
             C("phone_country_code", "PhoneCountryCode")]),
        Child("tracking_category_options", "tracking_categories", "Options",
            [C("tracking_category_id", "TrackingCategoryID"), C("tracking_category_name", "Name")],
            [C("tracking_option_id", "TrackingOptionID"), C("name", "Name"), C("status", "Status")]),

        LineTracking("invoice_line_tracking", "invoices", "LineItems", "Tracking", [C("invoice_id", "InvoiceID")], LineItemId),
        LineTracking("credit_note_line_tracking", "credit_notes", "LineItems", "Tracking", [C("credit_note_id", "CreditNoteID")], LineItemId),
        LineTracking("bank_transaction_line_tracking", "bank_transactions", "LineItems", "Tracking", [C("bank_transaction_id", "BankTransactionID")], LineItemId),
        LineTracking("purchase_order_line_tracking", "purchase_orders", "LineItems", "Tracking", [C("purchase_order_id", "PurchaseOrderID")], LineItemId),
        LineTracking("quote_line_tracking", "quotes", "LineItems", "Tracking", [C("quote_id", "QuoteID")], LineItemId),
        // Xero gives manual journal lines no id: item_index (the line's position) names the line.
        LineTracking("manual_journal_line_tracking", "manual_journals", "JournalLines", "Tracking", [C("manual_journal_id", "ManualJournalID")], [C("account_code", "AccountCode")]),
        LineTracking("journal_line_tracking", "journals", "JournalLines", "TrackingCategories", [C("journal_id", "JournalID")],
            [C("journal_line_id", "JournalLineID"), C("account_code", "AccountCode")]),

        // Only the by-id calls carry these arrays: they read the detail tables (EndpointCatalog.Details), not the lists.
        Child("budget_lines", "budgets_details", "BudgetLines", [C("budget_id", "BudgetID"), C("budget_description", "Description")],
            [C("account_id", "AccountID"), C("account_code", "AccountCode")]),
        new("budget_line_periods", "budgets_details", [C("period", "Period"), N("amount", "Amount"), N("unit_amount", "UnitAmount"), C("notes", "Notes")],
            ArrayPath: "BudgetLines", ParentColumns: [C("budget_id", "BudgetID"), C("budget_description", "Description")], NestedArrayPath: "BudgetBalances",
            ElementColumns: [C("account_id", "AccountID"), C("account_code", "AccountCode")], NestedIndexColumn: "period_index"),
        Child("contact_group_members", "contact_groups_details", "Contacts", [C("contact_group_id", "ContactGroupID"), C("contact_group_name", "Name")],
            [C("contact_id", "ContactID"), C("name", "Name")]),
    ];

    /// <summary>The typed views over one endpoint's latest view (its record view first, then its child views).</summary>
    public static IReadOnlyList<TypedView> For(string table) => [.. All.Where(v => string.Equals(v.Table, table, StringComparison.Ordinal))];

    private static TypedView Record(string table, string? statusPath, params TypedColumn[] columns) => new(table, table, columns, statusPath);

    private static TypedView Child(string name, string table, string arrayPath, TypedColumn[] parent, TypedColumn[] columns) =>
        new(name, table, columns, ArrayPath: arrayPath, ParentColumns: parent);

    private static TypedView LineTracking(string name, string table, string linesPath, string trackingPath, TypedColumn[] parent, TypedColumn[] line) =>
        new(name, table, Tracking, ArrayPath: linesPath, ParentColumns: parent, NestedArrayPath: trackingPath, ElementColumns: line, NestedIndexColumn: "tracking_index");

    private static TypedColumn C(string name, string path) => new(name, path, Text);

    private static TypedColumn N(string name, string path) => new(name, path, TypedKind.Number);

    private static TypedColumn I(string name, string path) => new(name, path, WholeNumber);

    private static TypedColumn B(string name, string path) => new(name, path, TypedKind.Boolean);

    private static TypedColumn Ts(string name, string path) => new(name, path, Timestamp);

    private static TypedColumn D(string name, string path) => new(name, path, TypedKind.Date);
}
