namespace XeroSync.XeroSimulator.Auth;

/// <summary>
/// Which OAuth scopes let a GET of each Accounting API collection through, as Xero documents them
/// (developer.xero.com/documentation/oauth2/scopes, and the granular scopes apps created from 2 March 2026 must use:
/// accounting.invoices, accounting.payments, accounting.banktransactions, accounting.manualjournals,
/// accounting.classicexpenses split out of accounting.transactions). Each entry takes its read-write form too.
/// </summary>
internal static class ScopeTable
{
    private const string Transactions = "accounting.transactions";

    /// <summary>The broad scopes an app created this year may not ask for.</summary>
    public static IReadOnlyList<string> Deprecated { get; } = ["accounting.transactions", "accounting.transactions.read", "accounting.reports.read"];

    public const string Journals = "accounting.journals.read";

    private static readonly Dictionary<string, string[]> ByEndpoint = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Accounts"] = ["accounting.settings"],
        ["BrandingThemes"] = ["accounting.settings"],
        ["Currencies"] = ["accounting.settings"],
        ["Organisation"] = ["accounting.settings"],
        ["TaxRates"] = ["accounting.settings"],
        ["TrackingCategories"] = ["accounting.settings"],
        ["Users"] = ["accounting.settings"],
        ["Items"] = ["accounting.settings", "accounting.invoices", Transactions],
        ["Contacts"] = ["accounting.contacts"],
        ["ContactGroups"] = ["accounting.contacts"],
        ["Budgets"] = ["accounting.budgets"],
        ["Journals"] = ["accounting.journals"],
        ["Invoices"] = ["accounting.invoices", Transactions],
        ["CreditNotes"] = ["accounting.invoices", Transactions],
        ["LinkedTransactions"] = ["accounting.invoices", Transactions],
        ["PurchaseOrders"] = ["accounting.invoices", Transactions],
        ["Quotes"] = ["accounting.invoices", Transactions],
        ["RepeatingInvoices"] = ["accounting.invoices", Transactions],
        ["Payments"] = ["accounting.payments", Transactions],
        ["BatchPayments"] = ["accounting.payments", Transactions],
        ["Overpayments"] = ["accounting.payments", Transactions],
        ["Prepayments"] = ["accounting.payments", Transactions],
        ["BankTransactions"] = ["accounting.banktransactions", Transactions],
        ["BankTransfers"] = ["accounting.banktransactions", Transactions],
        ["ManualJournals"] = ["accounting.manualjournals", Transactions],
        ["ExpenseClaims"] = ["accounting.classicexpenses", Transactions],
        ["Receipts"] = ["accounting.classicexpenses", Transactions],
        ["Reports/TrialBalance"] = ["accounting.reports.trialbalance", "accounting.reports"],
        ["Reports/BalanceSheet"] = ["accounting.reports.balancesheet", "accounting.reports"],
    };

    /// <summary>Whether a token holding <paramref name="scopes"/> may GET <paramref name="endpoint"/> (unknown endpoints: yes).</summary>
    public static bool Allows(string endpoint, IReadOnlyCollection<string> scopes) =>
        !ByEndpoint.TryGetValue(endpoint, out var bases) || bases.Any(b => scopes.Contains(b) || scopes.Contains(b + ".read"));
}
