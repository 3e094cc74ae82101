using System.Collections.Frozen;

namespace XeroSync.Xero;

/// <summary>
/// Xero's OAuth scopes as this read-only extractor uses them (developer.xero.com/documentation/oauth2/scopes and the
/// granular scopes of 2026: apps created from 2 March 2026 may only ask for granular ones; older apps keep the broad
/// <c>accounting.transactions</c> until September 2027). Journals is an approval-only scope: never asked for by default.
/// </summary>
public static class XeroScopes
{
    public const string OfflineAccess = "offline_access";
    public const string Settings = "accounting.settings.read";
    public const string Contacts = "accounting.contacts.read";
    public const string Budgets = "accounting.budgets.read";
    public const string Journals = "accounting.journals.read";
    public const string Invoices = "accounting.invoices.read";
    public const string Payments = "accounting.payments.read";
    public const string BankTransactions = "accounting.banktransactions.read";
    public const string ManualJournals = "accounting.manualjournals.read";
    public const string ClassicExpenses = "accounting.classicexpenses.read";

    /// <summary>Xero's Trial Balance report (<c>sync --tie-out</c>): the granular report scope of 2026, one per report family.</summary>
    public const string TrialBalance = "accounting.reports.trialbalance.read";

    /// <summary>Xero's Balance Sheet report (<c>sync --tie-out</c>), the Balance Sheet family's granular report scope.</summary>
    public const string BalanceSheet = "accounting.reports.balancesheet.read";

    /// <summary>The broad read scope of every report, deprecated with <see cref="BroadTransactions"/>.</summary>
    public const string BroadReports = "accounting.reports.read";

    /// <summary>The broad read scope of transactions, deprecated: unavailable to apps created from March 2026.</summary>
    public const string BroadTransactions = "accounting.transactions.read";

    /// <summary>What <c>connect</c> asks for by default: the granular read scopes of every endpoint but Journals, and the tie-out's reports'.</summary>
    public static IReadOnlyList<string> Granular { get; } =
        [OfflineAccess, Invoices, Payments, BankTransactions, ManualJournals, ClassicExpenses, Contacts, Settings, Budgets, TrialBalance, BalanceSheet];

    /// <summary>What an app created before March 2026 that still holds the broad scopes asks for.</summary>
    public static IReadOnlyList<string> Broad { get; } =
        [OfflineAccess, BroadTransactions, Contacts, Settings, Budgets, BroadReports];

    private static readonly FrozenDictionary<string, string> ByEndpoint = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Accounts"] = Settings,
        ["BankTransactions"] = BankTransactions,
        ["BankTransfers"] = BankTransactions,
        ["BatchPayments"] = Payments,
        ["BrandingThemes"] = Settings,
        ["Budgets"] = Budgets,
        ["ContactGroups"] = Contacts,
        ["Contacts"] = Contacts,
        ["CreditNotes"] = Invoices,
        ["Currencies"] = Settings,
        ["ExpenseClaims"] = ClassicExpenses,
        ["Invoices"] = Invoices,
        ["Items"] = Invoices,
        ["Journals"] = Journals,
        ["LinkedTransactions"] = Invoices,
        ["ManualJournals"] = ManualJournals,
        ["Organisation"] = Settings,
        ["Overpayments"] = Payments,
        ["Payments"] = Payments,
        ["Prepayments"] = Payments,
        ["PurchaseOrders"] = Invoices,
        ["Quotes"] = Invoices,
        ["Receipts"] = ClassicExpenses,
        ["RepeatingInvoices"] = Invoices,
        ["TaxRates"] = Settings,
        ["TrackingCategories"] = Settings,
        ["Users"] = Settings,
        ["Reports/TrialBalance"] = TrialBalance,
        ["Reports/BalanceSheet"] = BalanceSheet,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The granular read scope that grants <paramref name="endpoint"/> (a detail endpoint: its parent's); null for an endpoint outside the catalog.</summary>
    public static string? RequiredFor(XeroEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return ByEndpoint.GetValueOrDefault(endpoint.DetailOf ?? endpoint.Name);
    }

    /// <summary>
    /// Every scope that grants a GET of <paramref name="endpoint"/>: the granular read scope, its read-write form, the broad
    /// <c>accounting.transactions(.read)</c> for transactions, <c>accounting.reports(.read)</c> for reports, and <c>accounting.settings</c> for Items (Xero lists Items under both).
    /// Empty for an endpoint outside the catalog (no scope is known: Xero's answer decides).
    /// </summary>
    public static IReadOnlyList<string> AcceptedFor(XeroEndpoint endpoint)
    {
        if (RequiredFor(endpoint) is not { } required)
        {
            return [];
        }

        var accepted = new List<string> { required, required[..^".read".Length] };
        if (required is Invoices or Payments or BankTransactions or ManualJournals or ClassicExpenses)
        {
            accepted.Add(BroadTransactions);
            accepted.Add("accounting.transactions");
        }

        if (required is TrialBalance or BalanceSheet)
        {
            accepted.Add(BroadReports);
            accepted.Add("accounting.reports");
        }

        if ((endpoint.DetailOf ?? endpoint.Name) == "Items")
        {
            accepted.Add(Settings);
            accepted.Add("accounting.settings");
        }

        return accepted;
    }
}
