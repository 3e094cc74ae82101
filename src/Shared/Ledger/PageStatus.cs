namespace XeroSync.Ledger;

/// <summary>State of one page of (run, tenant, endpoint) in the run ledger.</summary>
public enum PageStatus
{
    /// <summary>Published or republished, not yet finished.</summary>
    Pending,

    /// <summary>Fetched and written to the object store.</summary>
    Done,

    /// <summary>Gave up after retries (or dead-lettered); a retry can republish it.</summary>
    Failed,

    /// <summary>Not fetched because the tenant hit Xero's day limit; the next run or a retry picks it up.</summary>
    Deferred,

    /// <summary>
    /// Not to be read: the tenant's tier has no access to the endpoint (e.g. Journals outside Advanced), or Xero has
    /// retired it (ExpenseClaims, Receipts); the page's error says which. Skipped, never a failed run.
    /// </summary>
    NotEntitled,
}
