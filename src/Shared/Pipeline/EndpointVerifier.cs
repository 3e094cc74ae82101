using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XeroSync.Contracts;
using XeroSync.Ledger;
using XeroSync.Messaging;

namespace XeroSync.Pipeline;

/// <summary>
/// Before a paged or page-only endpoint may complete, checks that its reads account for every record Xero says it
/// holds (<see cref="IdTally.AccountsForAll"/>: the distinct ids read against <c>pagination.itemCount</c>, or, where
/// Xero reports no count, that no record was read twice), because records edited or inserted while the run reads
/// move between pages. When they do not, the endpoint is read once more, as a chain in page order (a new pass whose
/// pages and objects continue the page numbers, its calls counted as re-read calls), at most
/// <see cref="PipelineOptions.MaxRereads"/> times; then the verification fails and the endpoint ends partial with
/// the shortfall as its reason. Idempotent: concurrent callers record the same outcome, and exactly one starts a pass.
/// </summary>
public sealed partial class EndpointVerifier(
    IRunLedger ledger,
    IFetchRequestPublisher publisher,
    IOptions<PipelineOptions> options,
    ILogger<EndpointVerifier> logger)
{
    /// <summary>Verifies the endpoint of <paramref name="request"/> (any request of it: its watermark and page size are kept) if it awaits that.</summary>
    public async Task VerifyAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = new EndpointKey(request.RunId, request.TenantId, request.Endpoint);
        var state = await ledger.GetEndpointAsync(key, cancellationToken);
        if (!state.AwaitsVerification)
        {
            return;
        }

        var tally = await ledger.TallyIdsAsync(key, cancellationToken);
        if (tally.Pass != state.Pass)
        {
            return;
        }

        if (tally.AccountsForAll)
        {
            var note = tally.PassItemCount is int expected
                ? $"verified: {tally.DistinctIds} distinct ids, Xero reports {expected}"
                : $"verified: {tally.PassDistinctIds} records, none read twice";
            if (tally.Pass > 0)
            {
                note += $" (after {tally.Pass} re-read{(tally.Pass == 1 ? string.Empty : "s")}, {state.RereadCalls} calls)";
            }

            await ledger.RecordVerificationAsync(key, tally.Pass, VerificationOutcome.Verified, note, cancellationToken);
            Log.Verified(logger, key.RunId, key.TenantId, key.Endpoint, tally.Pass, tally.DistinctIds);
            return;
        }

        if (tally.Pass >= options.Value.MaxRereads)
        {
            var reason = $"not verified after {tally.Pass} re-read{(tally.Pass == 1 ? string.Empty : "s")}: {tally.Shortfall}";
            await ledger.RecordVerificationAsync(key, tally.Pass, VerificationOutcome.Failed, reason, cancellationToken);
            Log.NotVerified(logger, key.RunId, key.TenantId, key.Endpoint, reason);
            return;
        }

        if (await ledger.StartRereadAsync(key, tally.Pass, cancellationToken) is int first)
        {
            Log.Rereading(logger, key.RunId, key.TenantId, key.Endpoint, tally.Pass + 1, tally.Shortfall);
            var reread = request with { FirstPage = first, LastPage = first, Offset = null, Discover = true, PageBase = first - 1 };
            await publisher.PublishAsync([reread], cancellationToken);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 520, Level = LogLevel.Information, Message = "Run {RunId} tenant {TenantId} {Endpoint}: reads verified in pass {Pass} ({Distinct} distinct ids)")]
        public static partial void Verified(ILogger logger, string runId, string tenantId, string endpoint, int pass, int distinct);

        [LoggerMessage(EventId = 521, Level = LogLevel.Warning, Message = "Run {RunId} tenant {TenantId} {Endpoint}: records moved while read ({Shortfall}); re-reading the endpoint (pass {Pass})")]
        public static partial void Rereading(ILogger logger, string runId, string tenantId, string endpoint, int pass, string shortfall);

        [LoggerMessage(EventId = 522, Level = LogLevel.Error, Message = "Run {RunId} tenant {TenantId} {Endpoint}: {Reason}; the endpoint ends partial")]
        public static partial void NotVerified(ILogger logger, string runId, string tenantId, string endpoint, string reason);
    }
}
