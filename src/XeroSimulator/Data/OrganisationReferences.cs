namespace XeroSync.XeroSimulator.Data;

/// <summary>Base records other records point at (contacts on invoices, accounts on lines, ...).</summary>
internal sealed class OrganisationReferences
{
    public List<ContactReference> Contacts { get; } = [];

    public List<AccountReference> Accounts { get; } = [];

    public List<AccountReference> BankAccounts { get; } = [];

    public List<InvoiceReference> Invoices { get; } = [];

    public List<TrackingReference> Tracking { get; } = [];

    public List<string> TransactionIds { get; } = [];

    public List<string> RepeatingInvoiceIds { get; } = [];

    public List<string> BatchPaymentIds { get; } = [];

    public List<string> UserIds { get; } = [];

    public string BaseCurrency { get; set; } = "NZD";
}
