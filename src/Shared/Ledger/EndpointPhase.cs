namespace XeroSync.Ledger;

/// <summary>Where (run, tenant, endpoint) stands, in the words the status views use.</summary>
public enum EndpointPhase
{
    /// <summary>Pages are pending or in flight, or the end of the endpoint is not known yet.</summary>
    Running,

    /// <summary>Every page is settled; a manifest is not yet written or not yet loaded.</summary>
    Loading,

    /// <summary>Nothing more will happen without a retry, and something is missing: failed or deferred pages, or a failed load.</summary>
    Partial,

    /// <summary>Every page read, every manifest loaded.</summary>
    Complete,

    /// <summary>The tenant is not entitled to the endpoint (Journals outside Advanced): nothing to read.</summary>
    Skipped,
}
