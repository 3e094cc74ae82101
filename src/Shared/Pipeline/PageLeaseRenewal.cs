using XeroSync.Ledger;

namespace XeroSync.Pipeline;

/// <summary>
/// Keeps a claimed page's lease alive while its holder works (permit wait, Xero call, object write): renews it
/// every third of its length. When the holder dies the renewals stop and the lease simply expires, so another
/// delivery takes the page over within one lease length.
/// </summary>
public sealed class PageLeaseRenewal : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task _loop;

    private PageLeaseRenewal(IRunLedger ledger, EndpointKey key, int page, string owner, TimeSpan lease, TimeProvider time, CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _loop = RenewAsync(ledger, key, page, owner, lease, time, _stop.Token);
    }

    public static PageLeaseRenewal Start(IRunLedger ledger, EndpointKey key, int page, string owner, TimeSpan lease, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(time);
        return new PageLeaseRenewal(ledger, key, page, owner, lease, time, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped, as asked.
        }

        _stop.Dispose();
    }

    private static async Task RenewAsync(IRunLedger ledger, EndpointKey key, int page, string owner, TimeSpan lease, TimeProvider time, CancellationToken cancellationToken)
    {
        var every = lease / 3;
        while (true)
        {
            await Task.Delay(every, time, cancellationToken);
            try
            {
                if (!await ledger.RenewPageAsync(key, page, owner, lease, cancellationToken))
                {
                    return;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A missed renewal only shortens the lease; the next one tries again.
            }
        }
    }
}
