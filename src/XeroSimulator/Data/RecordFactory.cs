using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>Creates a record for any endpoint; generation order makes references available before they are used.</summary>
internal static class RecordFactory
{
    public static IReadOnlyList<string> GenerationOrder { get; } =
    [
        "Accounts", "TaxRates", "TrackingCategories", "Currencies", "BrandingThemes", "ContactGroups", "Users", "Items", "Budgets",
        "Contacts", "RepeatingInvoices", "BatchPayments", "Invoices", "CreditNotes", "Payments", "BankTransactions", "BankTransfers",
        "Overpayments", "Prepayments", "PurchaseOrders", "Quotes", "ManualJournals", "Journals", "LinkedTransactions", "Receipts",
        "ExpenseClaims", "Organisation",
    ];

    public static JsonObject Create(string endpoint, RecordContext context, SimulatedTenant tenant, DateTimeOffset createdAt) => endpoint switch
    {
        "Accounts" => ReferenceDataFactory.Account(context),
        "TaxRates" => ReferenceDataFactory.TaxRate(context),
        "TrackingCategories" => ReferenceDataFactory.TrackingCategory(context),
        "Currencies" => ReferenceDataFactory.Currency(context),
        "BrandingThemes" => ReferenceDataFactory.BrandingTheme(context),
        "ContactGroups" => ReferenceDataFactory.ContactGroup(context),
        "Users" => ReferenceDataFactory.User(context),
        "Items" => ReferenceDataFactory.Item(context),
        "Budgets" => ReferenceDataFactory.Budget(context),
        "Contacts" => ReferenceDataFactory.Contact(context),
        "Organisation" => ReferenceDataFactory.Organisation(context, tenant.Name, createdAt),
        "RepeatingInvoices" => SalesRecordFactory.RepeatingInvoice(context),
        "Invoices" => SalesRecordFactory.Invoice(context),
        "CreditNotes" => SalesRecordFactory.CreditNote(context),
        "Quotes" => SalesRecordFactory.Quote(context),
        "PurchaseOrders" => SalesRecordFactory.PurchaseOrder(context),
        "LinkedTransactions" => SalesRecordFactory.LinkedTransaction(context),
        "BatchPayments" => BankingRecordFactory.BatchPayment(context),
        "BankTransactions" => BankingRecordFactory.BankTransaction(context),
        "BankTransfers" => BankingRecordFactory.BankTransfer(context),
        "Overpayments" => BankingRecordFactory.Overpayment(context),
        "Prepayments" => BankingRecordFactory.Prepayment(context),
        "Receipts" => BankingRecordFactory.Receipt(context),
        "ExpenseClaims" => BankingRecordFactory.ExpenseClaim(context),
        "ManualJournals" => JournalRecordFactory.ManualJournal(context),
        _ => throw new ArgumentException($"No factory for '{endpoint}': its records are made by other records.", nameof(endpoint)),
    };
}
