using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>
/// Base records other records point at (contacts on invoices, accounts on lines, ...), and what the documents
/// generated so far owe the ledger: the payments and journals they made, not yet added to their collections.
/// </summary>
internal sealed class OrganisationReferences
{
    public List<ContactReference> Contacts { get; } = [];

    public List<AccountReference> Accounts { get; } = [];

    public List<AccountReference> BankAccounts { get; } = [];

    /// <summary>Active REVENUE and SALES accounts: where sales lines go.</summary>
    public List<AccountReference> RevenueAccounts { get; } = [];

    /// <summary>Active EXPENSE, OVERHEADS and DIRECTCOSTS accounts: where purchase lines go.</summary>
    public List<AccountReference> ExpenseAccounts { get; } = [];

    /// <summary>Active balance-sheet and expense accounts that are neither bank nor control accounts: manual journals' accounts.</summary>
    public List<AccountReference> AdjustmentAccounts { get; } = [];

    public Dictionary<string, AccountReference> AccountsByCode { get; } = new(StringComparer.Ordinal);

    public AccountReference? Receivable { get; set; }

    public AccountReference? Payable { get; set; }

    public AccountReference? SalesTax { get; set; }

    /// <summary>The RETAINEDEARNINGS system account: where the Trial Balance shows past years' profit.</summary>
    public AccountReference? RetainedEarnings { get; set; }

    public List<CurrencyReference> ForeignCurrencies { get; } = [];

    public List<ItemReference> Items { get; } = [];

    public List<InvoiceReference> Invoices { get; } = [];

    public List<TrackingReference> Tracking { get; } = [];

    public List<string> TransactionIds { get; } = [];

    public List<string> RepeatingInvoiceIds { get; } = [];

    public List<string> BatchPaymentIds { get; } = [];

    public List<string> UserIds { get; } = [];

    public string BaseCurrency { get; set; } = "NZD";

    /// <summary>Payment records made by documents (invoice and credit-note settlements), in the order they were made.</summary>
    public List<JsonObject> PendingPayments { get; } = [];

    /// <summary>Journals posted by documents, in the order they were posted.</summary>
    public List<JournalDraft> PendingJournals { get; } = [];
}
