namespace XeroSync.Ledger;

/// <summary>What an endpoint needs next, as <see cref="EndpointSteps.Next"/> decides it from its state record.</summary>
public enum EndpointStep
{
    /// <summary>Pages are pending or in flight, or the end is not known: the fetches move it on, nothing else to do.</summary>
    ReadPages,

    /// <summary>Every page read: its reads are to be checked against what Xero holds (verified, re-read or failed).</summary>
    Verify,

    /// <summary>Settled and checked, with done pages no manifest lists (or no manifest yet): a manifest is to be claimed and written.</summary>
    WriteManifest,

    /// <summary>Every manifest claimed (and its object written): their loads are awaited (the object store's finalize events start them).</summary>
    AwaitLoads,

    /// <summary>Complete and read: its watermark may advance to this run's.</summary>
    AdvanceWatermark,

    /// <summary>Nothing more happens without a retry (complete, skipped or partial).</summary>
    Finished,
}
