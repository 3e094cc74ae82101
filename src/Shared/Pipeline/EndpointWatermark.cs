using XeroSync.Contracts;
using XeroSync.Ledger;
using XeroSync.Xero;

namespace XeroSync.Pipeline;

/// <summary>
/// Where the next incremental read of a completed endpoint starts: If-Modified-Since at the run's start less the
/// overlap, and for Journals the highest JournalNumber the run read. Only asked once the ledger says the
/// endpoint is complete, so a watermark never moves past a page that is not in the warehouse.
/// </summary>
public static class EndpointWatermark
{
    public static Watermark? For(RunInfo run, XeroEndpoint endpoint, EndpointState state, TimeSpan overlap)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(state);
        if (!state.MayAdvanceWatermark || run.Reconcile?.IsSweepOnly(endpoint.Name) == true || run.Targeted)
        {
            // An ID sweep read ids, not records; a targeted run read the records a webhook named, not everything changed
            // since: the incremental watermark stays where it was.
            return null;
        }

        var modifiedSince = endpoint.SupportsModifiedSince || endpoint.SelectsChangedSince ? run.StartedAt - overlap : (DateTimeOffset?)null;
        var journalOffset = endpoint.Paging == PagingStyle.Offset ? state.MaxNextOffset : null;
        return modifiedSince is null && journalOffset is null ? null : new Watermark(modifiedSince, journalOffset);
    }
}
