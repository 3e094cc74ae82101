namespace XeroSync.Tests;

/// <summary>
/// What each typed view must hold, written in the tests from Xero's Accounting API (XeroAPI/Xero-OpenAPI 16.1.0,
/// xero_accounting.yaml, components/schemas; the schema is named above each view): per view the Xero collection it
/// reads, the array a child view unnests, the record's status field, and per column its JSON path and type. Types
/// follow the spec: <c>string</c> Text, <c>number</c> Number, <c>integer</c> Whole, <c>boolean</c> Bool, an
/// <c>x-is-msdate</c> string Date, an <c>x-is-msdate-time</c> string Stamp. Every path resolves in the named schema
/// except purchase_orders.type: PurchaseOrder has no Type in the spec (the column is NULL on Xero's records).
/// The column layout around these is README's (Typed views): tenant_id first; a record view ends with status,
/// is_deleted, is_voided (when it has a status), updated_at, deleted_at; a child view puts the parent's columns and
/// item_index before the element's and ends with deleted_at.
/// </summary>
internal static class XeroViewSpec
{
    private const SpecType Text = SpecType.Text;
    private const SpecType Number = SpecType.Number;
    private const SpecType Whole = SpecType.Whole;
    private const SpecType Bool = SpecType.Bool;
    private const SpecType Stamp = SpecType.Stamp;
    private const SpecType Date = SpecType.Date;

    public static IReadOnlyList<SpecView> Views { get; } =
    [
        // Account
        new("accounts", "Accounts", false, null, "Status", [],
            [
                ("account_id", "AccountID", Text), ("code", "Code", Text), ("name", "Name", Text),
                ("type", "Type", Text), ("class", "Class", Text), ("tax_type", "TaxType", Text),
                ("description", "Description", Text), ("currency_code", "CurrencyCode", Text),
                ("bank_account_number", "BankAccountNumber", Text), ("bank_account_type", "BankAccountType", Text),
                ("enable_payments_to_account", "EnablePaymentsToAccount", Bool),
                ("reporting_code", "ReportingCode", Text), ("system_account", "SystemAccount", Text),
            ]),
        // BankTransaction
        new("bank_transactions", "BankTransactions", false, null, "Status", [],
            [
                ("bank_transaction_id", "BankTransactionID", Text), ("type", "Type", Text),
                ("contact_id", "Contact.ContactID", Text), ("contact_name", "Contact.Name", Text),
                ("bank_account_id", "BankAccount.AccountID", Text), ("bank_account_code", "BankAccount.Code", Text),
                ("date", "Date", Date), ("reference", "Reference", Text), ("is_reconciled", "IsReconciled", Bool),
                ("line_amount_types", "LineAmountTypes", Text), ("sub_total", "SubTotal", Number),
                ("total_tax", "TotalTax", Number), ("total", "Total", Number),
                ("currency_code", "CurrencyCode", Text), ("currency_rate", "CurrencyRate", Number),
                ("prepayment_id", "PrepaymentID", Text), ("overpayment_id", "OverpaymentID", Text),
            ]),
        // BankTransfer
        new("bank_transfers", "BankTransfers", false, null, "Status", [],
            [
                ("bank_transfer_id", "BankTransferID", Text), ("date", "Date", Date), ("amount", "Amount", Number),
                ("from_bank_account_id", "FromBankAccount.AccountID", Text),
                ("to_bank_account_id", "ToBankAccount.AccountID", Text),
                ("from_bank_transaction_id", "FromBankTransactionID", Text),
                ("to_bank_transaction_id", "ToBankTransactionID", Text),
                ("from_is_reconciled", "FromIsReconciled", Bool), ("to_is_reconciled", "ToIsReconciled", Bool),
                ("reference", "Reference", Text), ("currency_rate", "CurrencyRate", Number),
                ("created_at", "CreatedDateUTC", Stamp),
            ]),
        // BatchPayment
        new("batch_payments", "BatchPayments", false, null, "Status", [],
            [
                ("batch_payment_id", "BatchPaymentID", Text), ("account_id", "Account.AccountID", Text),
                ("date", "Date", Date), ("reference", "Reference", Text), ("type", "Type", Text),
                ("total_amount", "TotalAmount", Number), ("is_reconciled", "IsReconciled", Bool),
            ]),
        // BrandingTheme
        new("branding_themes", "BrandingThemes", false, null, null, [],
            [
                ("branding_theme_id", "BrandingThemeID", Text), ("name", "Name", Text), ("type", "Type", Text),
                ("sort_order", "SortOrder", Whole), ("created_at", "CreatedDateUTC", Stamp),
            ]),
        // Budget
        new("budgets", "Budgets", false, null, "Status", [],
            [
                ("budget_id", "BudgetID", Text), ("type", "Type", Text), ("description", "Description", Text),
            ]),
        // ContactGroup
        new("contact_groups", "ContactGroups", false, null, "Status", [],
            [
                ("contact_group_id", "ContactGroupID", Text), ("name", "Name", Text),
            ]),
        // Contact
        new("contacts", "Contacts", false, null, "ContactStatus", [],
            [
                ("contact_id", "ContactID", Text), ("name", "Name", Text), ("first_name", "FirstName", Text),
                ("last_name", "LastName", Text), ("email_address", "EmailAddress", Text),
                ("contact_number", "ContactNumber", Text), ("account_number", "AccountNumber", Text),
                ("company_number", "CompanyNumber", Text), ("tax_number", "TaxNumber", Text),
                ("is_customer", "IsCustomer", Bool), ("is_supplier", "IsSupplier", Bool),
                ("default_currency", "DefaultCurrency", Text),
                ("receivables_outstanding", "Balances.AccountsReceivable.Outstanding", Number),
                ("receivables_overdue", "Balances.AccountsReceivable.Overdue", Number),
                ("payables_outstanding", "Balances.AccountsPayable.Outstanding", Number),
                ("payables_overdue", "Balances.AccountsPayable.Overdue", Number),
            ]),
        // CreditNote
        new("credit_notes", "CreditNotes", false, null, "Status", [],
            [
                ("credit_note_id", "CreditNoteID", Text), ("credit_note_number", "CreditNoteNumber", Text),
                ("type", "Type", Text), ("contact_id", "Contact.ContactID", Text),
                ("contact_name", "Contact.Name", Text), ("date", "Date", Date), ("reference", "Reference", Text),
                ("line_amount_types", "LineAmountTypes", Text), ("sub_total", "SubTotal", Number),
                ("total_tax", "TotalTax", Number), ("total", "Total", Number),
                ("remaining_credit", "RemainingCredit", Number), ("currency_code", "CurrencyCode", Text),
                ("currency_rate", "CurrencyRate", Number), ("fully_paid_on_date", "FullyPaidOnDate", Date),
                ("sent_to_contact", "SentToContact", Bool),
            ]),
        // Currency
        new("currencies", "Currencies", false, null, null, [],
            [
                ("code", "Code", Text), ("description", "Description", Text),
            ]),
        // ExpenseClaim
        new("expense_claims", "ExpenseClaims", false, null, "Status", [],
            [
                ("expense_claim_id", "ExpenseClaimID", Text), ("user_id", "User.UserID", Text),
                ("total", "Total", Number), ("amount_due", "AmountDue", Number),
                ("amount_paid", "AmountPaid", Number), ("payment_due_date", "PaymentDueDate", Date),
                ("reporting_date", "ReportingDate", Date),
            ]),
        // Invoice
        new("invoices", "Invoices", false, null, "Status", [],
            [
                ("invoice_id", "InvoiceID", Text), ("invoice_number", "InvoiceNumber", Text), ("type", "Type", Text),
                ("contact_id", "Contact.ContactID", Text), ("contact_name", "Contact.Name", Text),
                ("date", "Date", Date), ("due_date", "DueDate", Date), ("reference", "Reference", Text),
                ("line_amount_types", "LineAmountTypes", Text), ("sub_total", "SubTotal", Number),
                ("total_tax", "TotalTax", Number), ("total", "Total", Number),
                ("total_discount", "TotalDiscount", Number), ("amount_due", "AmountDue", Number),
                ("amount_paid", "AmountPaid", Number), ("amount_credited", "AmountCredited", Number),
                ("currency_code", "CurrencyCode", Text), ("currency_rate", "CurrencyRate", Number),
                ("fully_paid_on_date", "FullyPaidOnDate", Date),
                ("expected_payment_date", "ExpectedPaymentDate", Date), ("sent_to_contact", "SentToContact", Bool),
                ("has_attachments", "HasAttachments", Bool), ("repeating_invoice_id", "RepeatingInvoiceID", Text),
                ("branding_theme_id", "BrandingThemeID", Text),
            ]),
        // Item
        new("items", "Items", false, null, null, [],
            [
                ("item_id", "ItemID", Text), ("code", "Code", Text), ("name", "Name", Text),
                ("description", "Description", Text), ("purchase_description", "PurchaseDescription", Text),
                ("is_sold", "IsSold", Bool), ("is_purchased", "IsPurchased", Bool),
                ("is_tracked_as_inventory", "IsTrackedAsInventory", Bool),
                ("sales_unit_price", "SalesDetails.UnitPrice", Number),
                ("sales_account_code", "SalesDetails.AccountCode", Text),
                ("sales_tax_type", "SalesDetails.TaxType", Text),
                ("purchase_unit_price", "PurchaseDetails.UnitPrice", Number),
                ("purchase_account_code", "PurchaseDetails.AccountCode", Text),
                ("purchase_tax_type", "PurchaseDetails.TaxType", Text),
                ("quantity_on_hand", "QuantityOnHand", Number), ("total_cost_pool", "TotalCostPool", Number),
            ]),
        // Journal
        new("journals", "Journals", false, null, null, [],
            [
                ("journal_id", "JournalID", Text), ("journal_number", "JournalNumber", Whole),
                ("journal_date", "JournalDate", Date), ("created_at", "CreatedDateUTC", Stamp),
                ("reference", "Reference", Text), ("source_id", "SourceID", Text),
                ("source_type", "SourceType", Text),
            ]),
        // LinkedTransaction
        new("linked_transactions", "LinkedTransactions", false, null, "Status", [],
            [
                ("linked_transaction_id", "LinkedTransactionID", Text), ("type", "Type", Text),
                ("source_transaction_id", "SourceTransactionID", Text),
                ("source_line_item_id", "SourceLineItemID", Text),
                ("source_transaction_type_code", "SourceTransactionTypeCode", Text),
                ("contact_id", "ContactID", Text), ("target_transaction_id", "TargetTransactionID", Text),
                ("target_line_item_id", "TargetLineItemID", Text),
            ]),
        // ManualJournal
        new("manual_journals", "ManualJournals", false, null, "Status", [],
            [
                ("manual_journal_id", "ManualJournalID", Text), ("date", "Date", Date),
                ("narration", "Narration", Text), ("line_amount_types", "LineAmountTypes", Text),
                ("show_on_cash_basis_reports", "ShowOnCashBasisReports", Bool),
            ]),
        // Organisation
        new("organisation", "Organisation", false, null, "OrganisationStatus", [],
            [
                ("organisation_id", "OrganisationID", Text), ("name", "Name", Text),
                ("legal_name", "LegalName", Text), ("short_code", "ShortCode", Text), ("version", "Version", Text),
                ("organisation_type", "OrganisationType", Text), ("base_currency", "BaseCurrency", Text),
                ("country_code", "CountryCode", Text), ("is_demo_company", "IsDemoCompany", Bool),
                ("tax_number", "TaxNumber", Text), ("financial_year_end_day", "FinancialYearEndDay", Whole),
                ("financial_year_end_month", "FinancialYearEndMonth", Whole),
                ("sales_tax_basis", "SalesTaxBasis", Text), ("sales_tax_period", "SalesTaxPeriod", Text),
                ("period_lock_date", "PeriodLockDate", Date), ("end_of_year_lock_date", "EndOfYearLockDate", Date),
                ("created_at", "CreatedDateUTC", Stamp), ("timezone", "Timezone", Text),
                ("edition", "Edition", Text), ("class", "Class", Text),
            ]),
        // Overpayment
        new("overpayments", "Overpayments", false, null, "Status", [],
            [
                ("overpayment_id", "OverpaymentID", Text), ("type", "Type", Text),
                ("contact_id", "Contact.ContactID", Text), ("contact_name", "Contact.Name", Text),
                ("date", "Date", Date), ("reference", "Reference", Text),
                ("line_amount_types", "LineAmountTypes", Text), ("sub_total", "SubTotal", Number),
                ("total_tax", "TotalTax", Number), ("total", "Total", Number),
                ("remaining_credit", "RemainingCredit", Number), ("currency_code", "CurrencyCode", Text),
                ("currency_rate", "CurrencyRate", Number),
            ]),
        // Payment
        new("payments", "Payments", false, null, "Status", [],
            [
                ("payment_id", "PaymentID", Text), ("payment_type", "PaymentType", Text), ("date", "Date", Date),
                ("amount", "Amount", Number), ("bank_amount", "BankAmount", Number),
                ("currency_rate", "CurrencyRate", Number), ("reference", "Reference", Text),
                ("is_reconciled", "IsReconciled", Bool), ("account_id", "Account.AccountID", Text),
                ("account_code", "Account.Code", Text), ("invoice_id", "Invoice.InvoiceID", Text),
                ("invoice_number", "Invoice.InvoiceNumber", Text), ("invoice_type", "Invoice.Type", Text),
                ("contact_id", "Invoice.Contact.ContactID", Text),
                ("credit_note_id", "CreditNote.CreditNoteID", Text),
                ("prepayment_id", "Prepayment.PrepaymentID", Text),
                ("overpayment_id", "Overpayment.OverpaymentID", Text), ("batch_payment_id", "BatchPaymentID", Text),
            ]),
        // Prepayment
        new("prepayments", "Prepayments", false, null, "Status", [],
            [
                ("prepayment_id", "PrepaymentID", Text), ("invoice_number", "InvoiceNumber", Text),
                ("type", "Type", Text), ("contact_id", "Contact.ContactID", Text),
                ("contact_name", "Contact.Name", Text), ("date", "Date", Date), ("reference", "Reference", Text),
                ("line_amount_types", "LineAmountTypes", Text), ("sub_total", "SubTotal", Number),
                ("total_tax", "TotalTax", Number), ("total", "Total", Number),
                ("remaining_credit", "RemainingCredit", Number), ("currency_code", "CurrencyCode", Text),
                ("currency_rate", "CurrencyRate", Number),
            ]),
        // PurchaseOrder (the spec has no Type: see above)
        new("purchase_orders", "PurchaseOrders", false, null, "Status", [],
            [
                ("purchase_order_id", "PurchaseOrderID", Text),
                ("purchase_order_number", "PurchaseOrderNumber", Text), ("type", "Type", Text),
                ("contact_id", "Contact.ContactID", Text), ("contact_name", "Contact.Name", Text),
                ("date", "Date", Date), ("delivery_date", "DeliveryDate", Date),
                ("expected_arrival_date", "ExpectedArrivalDate", Date), ("reference", "Reference", Text),
                ("attention_to", "AttentionTo", Text), ("line_amount_types", "LineAmountTypes", Text),
                ("sub_total", "SubTotal", Number), ("total_tax", "TotalTax", Number), ("total", "Total", Number),
                ("total_discount", "TotalDiscount", Number), ("currency_code", "CurrencyCode", Text),
                ("currency_rate", "CurrencyRate", Number), ("sent_to_contact", "SentToContact", Bool),
            ]),
        // Quote
        new("quotes", "Quotes", false, null, "Status", [],
            [
                ("quote_id", "QuoteID", Text), ("quote_number", "QuoteNumber", Text),
                ("reference", "Reference", Text), ("title", "Title", Text),
                ("contact_id", "Contact.ContactID", Text), ("contact_name", "Contact.Name", Text),
                ("date", "Date", Date), ("expiry_date", "ExpiryDate", Date),
                ("line_amount_types", "LineAmountTypes", Text), ("sub_total", "SubTotal", Number),
                ("total_tax", "TotalTax", Number), ("total", "Total", Number),
                ("total_discount", "TotalDiscount", Number), ("currency_code", "CurrencyCode", Text),
                ("currency_rate", "CurrencyRate", Number),
            ]),
        // Receipt
        new("receipts", "Receipts", false, null, "Status", [],
            [
                ("receipt_id", "ReceiptID", Text), ("receipt_number", "ReceiptNumber", Text),
                ("contact_id", "Contact.ContactID", Text), ("user_id", "User.UserID", Text), ("date", "Date", Date),
                ("reference", "Reference", Text), ("line_amount_types", "LineAmountTypes", Text),
                ("sub_total", "SubTotal", Number), ("total_tax", "TotalTax", Number), ("total", "Total", Number),
            ]),
        // RepeatingInvoice
        new("repeating_invoices", "RepeatingInvoices", false, null, "Status", [],
            [
                ("repeating_invoice_id", "RepeatingInvoiceID", Text), ("type", "Type", Text),
                ("contact_id", "Contact.ContactID", Text), ("contact_name", "Contact.Name", Text),
                ("reference", "Reference", Text), ("line_amount_types", "LineAmountTypes", Text),
                ("sub_total", "SubTotal", Number), ("total_tax", "TotalTax", Number), ("total", "Total", Number),
                ("currency_code", "CurrencyCode", Text), ("schedule_period", "Schedule.Period", Whole),
                ("schedule_unit", "Schedule.Unit", Text), ("schedule_due_date", "Schedule.DueDate", Whole),
                ("schedule_due_date_type", "Schedule.DueDateType", Text),
                ("schedule_start_date", "Schedule.StartDate", Date),
                ("schedule_next_scheduled_date", "Schedule.NextScheduledDate", Date),
                ("schedule_end_date", "Schedule.EndDate", Date),
            ]),
        // TaxRate
        new("tax_rates", "TaxRates", false, null, "Status", [],
            [
                ("tax_type", "TaxType", Text), ("name", "Name", Text), ("report_tax_type", "ReportTaxType", Text),
                ("display_tax_rate", "DisplayTaxRate", Number), ("effective_rate", "EffectiveRate", Number),
                ("can_apply_to_assets", "CanApplyToAssets", Bool), ("can_apply_to_equity", "CanApplyToEquity", Bool),
                ("can_apply_to_expenses", "CanApplyToExpenses", Bool),
                ("can_apply_to_liabilities", "CanApplyToLiabilities", Bool),
                ("can_apply_to_revenue", "CanApplyToRevenue", Bool),
            ]),
        // TrackingCategory
        new("tracking_categories", "TrackingCategories", false, null, "Status", [],
            [
                ("tracking_category_id", "TrackingCategoryID", Text), ("name", "Name", Text),
            ]),
        // User
        new("users", "Users", false, null, null, [],
            [
                ("user_id", "UserID", Text), ("email_address", "EmailAddress", Text),
                ("first_name", "FirstName", Text), ("last_name", "LastName", Text),
                ("organisation_role", "OrganisationRole", Text), ("is_subscriber", "IsSubscriber", Bool),
            ]),
        // Invoice.LineItems[]
        new("invoice_line_items", "Invoices", false, "LineItems", null, [("invoice_id", "InvoiceID", Text)],
            [
                ("line_item_id", "LineItemID", Text), ("description", "Description", Text),
                ("quantity", "Quantity", Number), ("unit_amount", "UnitAmount", Number),
                ("line_amount", "LineAmount", Number), ("tax_amount", "TaxAmount", Number),
                ("discount_rate", "DiscountRate", Number), ("account_code", "AccountCode", Text),
                ("tax_type", "TaxType", Text), ("item_code", "ItemCode", Text),
            ]),
        // Invoice.Payments[]
        new("invoice_payments", "Invoices", false, "Payments", null, [("invoice_id", "InvoiceID", Text)],
            [
                ("payment_id", "PaymentID", Text), ("date", "Date", Date), ("amount", "Amount", Number),
                ("reference", "Reference", Text), ("currency_rate", "CurrencyRate", Number),
            ]),
        // CreditNote.LineItems[]
        new("credit_note_line_items", "CreditNotes", false, "LineItems", null, [("credit_note_id", "CreditNoteID", Text)],
            [
                ("line_item_id", "LineItemID", Text), ("description", "Description", Text),
                ("quantity", "Quantity", Number), ("unit_amount", "UnitAmount", Number),
                ("line_amount", "LineAmount", Number), ("tax_amount", "TaxAmount", Number),
                ("discount_rate", "DiscountRate", Number), ("account_code", "AccountCode", Text),
                ("tax_type", "TaxType", Text), ("item_code", "ItemCode", Text),
            ]),
        // CreditNote.Allocations[]
        new("credit_note_allocations", "CreditNotes", false, "Allocations", null, [("credit_note_id", "CreditNoteID", Text)],
            [
                ("allocation_id", "AllocationID", Text), ("invoice_id", "Invoice.InvoiceID", Text),
                ("invoice_number", "Invoice.InvoiceNumber", Text), ("amount", "Amount", Number),
                ("date", "Date", Date), ("is_deleted", "IsDeleted", Bool),
            ]),
        // BankTransaction.LineItems[]
        new("bank_transaction_line_items", "BankTransactions", false, "LineItems", null, [("bank_transaction_id", "BankTransactionID", Text)],
            [
                ("line_item_id", "LineItemID", Text), ("description", "Description", Text),
                ("quantity", "Quantity", Number), ("unit_amount", "UnitAmount", Number),
                ("line_amount", "LineAmount", Number), ("tax_amount", "TaxAmount", Number),
                ("discount_rate", "DiscountRate", Number), ("account_code", "AccountCode", Text),
                ("tax_type", "TaxType", Text), ("item_code", "ItemCode", Text),
            ]),
        // PurchaseOrder.LineItems[]
        new("purchase_order_line_items", "PurchaseOrders", false, "LineItems", null, [("purchase_order_id", "PurchaseOrderID", Text)],
            [
                ("line_item_id", "LineItemID", Text), ("description", "Description", Text),
                ("quantity", "Quantity", Number), ("unit_amount", "UnitAmount", Number),
                ("line_amount", "LineAmount", Number), ("tax_amount", "TaxAmount", Number),
                ("discount_rate", "DiscountRate", Number), ("account_code", "AccountCode", Text),
                ("tax_type", "TaxType", Text), ("item_code", "ItemCode", Text),
            ]),
        // Quote.LineItems[]
        new("quote_line_items", "Quotes", false, "LineItems", null, [("quote_id", "QuoteID", Text)],
            [
                ("line_item_id", "LineItemID", Text), ("description", "Description", Text),
                ("quantity", "Quantity", Number), ("unit_amount", "UnitAmount", Number),
                ("line_amount", "LineAmount", Number), ("tax_amount", "TaxAmount", Number),
                ("discount_rate", "DiscountRate", Number), ("account_code", "AccountCode", Text),
                ("tax_type", "TaxType", Text), ("item_code", "ItemCode", Text),
            ]),
        // Overpayment.Allocations[]
        new("overpayment_allocations", "Overpayments", false, "Allocations", null, [("overpayment_id", "OverpaymentID", Text)],
            [
                ("allocation_id", "AllocationID", Text), ("invoice_id", "Invoice.InvoiceID", Text),
                ("invoice_number", "Invoice.InvoiceNumber", Text), ("amount", "Amount", Number),
                ("date", "Date", Date), ("is_deleted", "IsDeleted", Bool),
            ]),
        // Prepayment.Allocations[]
        new("prepayment_allocations", "Prepayments", false, "Allocations", null, [("prepayment_id", "PrepaymentID", Text)],
            [
                ("allocation_id", "AllocationID", Text), ("invoice_id", "Invoice.InvoiceID", Text),
                ("invoice_number", "Invoice.InvoiceNumber", Text), ("amount", "Amount", Number),
                ("date", "Date", Date), ("is_deleted", "IsDeleted", Bool),
            ]),
        // Journal.JournalLines[]
        new("journal_lines", "Journals", false, "JournalLines", null, [("journal_id", "JournalID", Text)],
            [
                ("journal_line_id", "JournalLineID", Text), ("account_id", "AccountID", Text),
                ("account_code", "AccountCode", Text), ("account_type", "AccountType", Text),
                ("account_name", "AccountName", Text), ("description", "Description", Text),
                ("net_amount", "NetAmount", Number), ("gross_amount", "GrossAmount", Number),
                ("tax_amount", "TaxAmount", Number), ("tax_type", "TaxType", Text), ("tax_name", "TaxName", Text),
            ]),
        // ManualJournal.JournalLines[]
        new("manual_journal_lines", "ManualJournals", false, "JournalLines", null, [("manual_journal_id", "ManualJournalID", Text)],
            [
                ("account_code", "AccountCode", Text), ("description", "Description", Text),
                ("line_amount", "LineAmount", Number), ("tax_type", "TaxType", Text),
                ("tax_amount", "TaxAmount", Number), ("is_blank", "IsBlank", Bool),
            ]),
        // Contact.Addresses[]
        new("contact_addresses", "Contacts", false, "Addresses", null, [("contact_id", "ContactID", Text)],
            [
                ("address_type", "AddressType", Text), ("address_line1", "AddressLine1", Text),
                ("address_line2", "AddressLine2", Text), ("address_line3", "AddressLine3", Text),
                ("address_line4", "AddressLine4", Text), ("city", "City", Text), ("region", "Region", Text),
                ("postal_code", "PostalCode", Text), ("country", "Country", Text),
                ("attention_to", "AttentionTo", Text),
            ]),
        // Contact.Phones[]
        new("contact_phones", "Contacts", false, "Phones", null, [("contact_id", "ContactID", Text)],
            [
                ("phone_type", "PhoneType", Text), ("phone_number", "PhoneNumber", Text),
                ("phone_area_code", "PhoneAreaCode", Text), ("phone_country_code", "PhoneCountryCode", Text),
            ]),
        // TrackingCategory.Options[]
        new("tracking_category_options", "TrackingCategories", false, "Options", null, [("tracking_category_id", "TrackingCategoryID", Text), ("tracking_category_name", "Name", Text)],
            [
                ("tracking_option_id", "TrackingOptionID", Text), ("name", "Name", Text), ("status", "Status", Text),
            ]),
        // Budget.BudgetLines[]
        new("budget_lines", "Budgets", true, "BudgetLines", null, [("budget_id", "BudgetID", Text), ("budget_description", "Description", Text)],
            [
                ("account_id", "AccountID", Text), ("account_code", "AccountCode", Text),
            ]),
        // ContactGroup.Contacts[]
        new("contact_group_members", "ContactGroups", true, "Contacts", null, [("contact_group_id", "ContactGroupID", Text), ("contact_group_name", "Name", Text)],
            [
                ("contact_id", "ContactID", Text), ("name", "Name", Text),
            ]),
    ];
}
