using Microsoft.Extensions.Logging;
using XeroSync.Ledger;

namespace XeroSync.Xero;

/// <summary>
/// Stores the token set of a fresh authorisation (<c>connect</c>) under the same lease the refreshers
/// take, so it is never written in the middle of a refresh: a refresher still running finishes and stores
/// first, then this set replaces it; a refresher that stalled past its lease finds this set stored and
/// leaves it (<see cref="RefreshTokenSource"/>'s fence).
/// </summary>
public static class ConnectionTokenWriter
{
    public static async Task StoreAsync(
        ITokenStore store,
        ILeaseStore leases,
        RefreshTokenSourceOptions options,
        StoredRefreshToken token,
        TimeProvider time,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(token);
        await using var lease = await RefreshLease.AcquireAsync(leases, options, Guid.NewGuid().ToString("N"), time, logger, cancellationToken);
        if (!await lease.ConfirmAsync(cancellationToken))
        {
            throw new XeroApiException(
                XeroFailure.Transient,
                null,
                $"Lost the lease {lease.Name} before the new token set of connection '{options.Connection}' could be stored; run connect again.");
        }

        await store.WriteAsync(options.Connection, token, cancellationToken);
    }
}
