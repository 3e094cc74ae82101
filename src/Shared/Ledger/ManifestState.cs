namespace XeroSync.Ledger;

/// <summary>Lifecycle of one manifest of (run, tenant, endpoint).</summary>
public enum ManifestState
{
    /// <summary>Pages assigned to it; the object may not exist yet (a crash here is finished by the next writer or a retry).</summary>
    Claimed,

    /// <summary>The manifest object exists; its load has not been recorded.</summary>
    Written,

    /// <summary>Loaded, with the row count checked against the manifest.</summary>
    Loaded,

    /// <summary>The load failed for good (a failed job or a row mismatch): the run is partial.</summary>
    Failed,
}
