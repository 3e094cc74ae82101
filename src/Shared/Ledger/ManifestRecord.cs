namespace XeroSync.Ledger;

/// <summary>One manifest as the ledger records it.</summary>
public sealed record ManifestRecord(
    int Sequence,
    ManifestState State,
    DateTimeOffset ClaimedAt,
    long Records,
    long? LoadedRows = null,
    string? Error = null);
