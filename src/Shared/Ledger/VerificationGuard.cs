namespace XeroSync.Ledger;

/// <summary>The argument rule every <see cref="IRunLedger.RecordVerificationAsync"/> store applies before it writes.</summary>
public static class VerificationGuard
{
    /// <summary>Throws unless <paramref name="key"/> and <paramref name="note"/> are given and <paramref name="outcome"/> is final.</summary>
    public static void ThrowIfInvalid(EndpointKey key, VerificationOutcome outcome, string note)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(note);
        if (outcome == VerificationOutcome.Pending)
        {
            throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "A verification ends verified or failed.");
        }
    }
}
