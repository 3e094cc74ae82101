namespace XeroSync.Ledger;

/// <summary>Lifecycle of one manifest of (run, tenant, endpoint).</summary>
public enum ManifestState
{
    /// <summary>
    /// Pages assigned to it; not loaded yet. Its object exists once its writer's create-if-absent write succeeded (the
    /// object is that record); a crash before it is finished by the next writer or a retry.
    /// </summary>
    Claimed,

    /// <summary>Recorded by earlier versions once the object existed; read as <see cref="Claimed"/>.</summary>
    Written,

    /// <summary>Loaded, with the row count checked against the manifest.</summary>
    Loaded,

    /// <summary>The load failed for good (a failed job or a row mismatch): the run is partial.</summary>
    Failed,
}
