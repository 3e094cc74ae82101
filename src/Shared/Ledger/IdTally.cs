namespace XeroSync.Ledger;

/// <summary>
/// What the done pages of (run, tenant, endpoint) read, for the check that nothing moved past the reads: the distinct
/// record ids over every pass, and for the current pass (its pages are those from <see cref="PassFirstPage"/>) the
/// records read, their distinct ids and the largest <c>pagination.itemCount</c> Xero reported.
/// </summary>
/// <param name="Pass">0 for the first read; each re-read of the endpoint is one more pass.</param>
/// <param name="PassItemCount">Null when no page of the pass carried an itemCount (page-only endpoints, no pagination).</param>
public sealed record IdTally(int Pass, int PassFirstPage, int DistinctIds, int PassRecords, int PassDistinctIds, int? PassItemCount)
{
    /// <summary>
    /// The reads account for every record Xero holds. Where Xero reports a count: the distinct ids of every pass
    /// reach it (inserts and edits never remove an id, so ids read are a subset of those held and equal counts mean
    /// equal sets). Where it does not: the pass read no record twice, because in a sequential read a record can only
    /// cross into a page already read when another one moved out of the read part, and that one is then read again.
    /// </summary>
    public bool AccountsForAll => PassItemCount is int expected ? DistinctIds >= expected : PassRecords == PassDistinctIds;

    /// <summary>Why the reads do not account for every record, in words for the run summary.</summary>
    public string Shortfall => PassItemCount is int expected
        ? $"{DistinctIds} distinct ids read, Xero reports {expected}"
        : $"{PassRecords} records read in pass {Pass} but only {PassDistinctIds} distinct ids: records moved while it read";
}
