namespace XeroSync.XeroSimulator.Data;

/// <summary>How Xero deletes a record of an endpoint.</summary>
internal enum DeleteMode
{
    /// <summary>Xero offers no delete.</summary>
    None,

    /// <summary>The record vanishes from every list and GET by id.</summary>
    Hard,

    /// <summary>Status DELETED, no timestamp changes, hidden unless the reveal parameter is sent (BankTransfers).</summary>
    SoftSilent,

    /// <summary>Status DELETED and UpdatedDateUTC bumped; still listed.</summary>
    SoftStatus,
}
