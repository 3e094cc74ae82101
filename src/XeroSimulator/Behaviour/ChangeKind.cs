using System.Text.Json.Serialization;

namespace XeroSync.XeroSimulator;

/// <summary>A change made to an organisation while a client reads it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChangeKind>))]
public enum ChangeKind
{
    /// <summary>A realistic edit that bumps UpdatedDateUTC to the simulator's now.</summary>
    Edit,

    /// <summary>A content change that leaves UpdatedDateUTC alone (Xero: DueDate, SentToContact, contact balances ...).</summary>
    SilentEdit,

    /// <summary>A new record, timestamped now.</summary>
    Insert,

    /// <summary>
    /// Xero's delete for the endpoint: hard (the record vanishes) for Accounts, ContactGroups, Items, LinkedTransactions and
    /// TrackingCategories; status DELETED without any timestamp change for BankTransfers (visible only with includeDeleted);
    /// status DELETED with an UpdatedDateUTC bump where the record has a DELETED status; refused elsewhere.
    /// </summary>
    Delete,

    /// <summary>
    /// Status ARCHIVED (Contacts: ContactStatus, hidden unless includeArchived=true; TrackingCategories; Accounts). Refused for
    /// Invoices: Xero's Invoice Status codes have no ARCHIVED.
    /// </summary>
    Archive,
}
