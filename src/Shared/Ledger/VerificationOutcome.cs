namespace XeroSync.Ledger;

/// <summary>Whether an endpoint's reads were checked against what Xero says it holds (see <see cref="IdTally"/>).</summary>
public enum VerificationOutcome
{
    /// <summary>Not decided yet (or not needed: the endpoint's pages carry no ids to check).</summary>
    Pending,

    /// <summary>The distinct ids read account for every record Xero reported.</summary>
    Verified,

    /// <summary>Still short after the allowed re-reads: the endpoint ends partial with the note saying why.</summary>
    Failed,
}
