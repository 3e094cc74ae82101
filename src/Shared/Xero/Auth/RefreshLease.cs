using Microsoft.Extensions.Logging;
using XeroSync.Ledger;

namespace XeroSync.Xero;

/// <summary>
/// The lease <c>xero-refresh:{connection}</c> held by one writer of a connection's token set (a refresher
/// or <c>connect</c>). Renewed every third of its time to live while held, so a slow token call does not
/// let another writer in. Once a renewal is missed (the holder stalled past the expiry, or the renewal was
/// refused) the lease counts as lost for good: <see cref="ConfirmAsync"/> answers false and the holder
/// must not write, because another writer may have taken the lease and stored a newer token meanwhile.
/// </summary>
public sealed partial class RefreshLease : IAsyncDisposable
{
    private readonly ILeaseStore _leases;
    private readonly string _owner;
    private readonly TimeSpan _ttl;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _sync = new();
    private readonly Task _renewal;
    private DateTimeOffset _heldUntil;
    private bool _lost;

    private RefreshLease(string name, ILeaseStore leases, string owner, TimeSpan ttl, DateTimeOffset heldUntil, TimeProvider time, ILogger logger)
    {
        Name = name;
        _leases = leases;
        _owner = owner;
        _ttl = ttl;
        _heldUntil = heldUntil;
        _time = time;
        _logger = logger;
        _renewal = Task.Run(RenewWhileHeldAsync);
    }

    /// <summary>The lease's name, <c>xero-refresh:{connection}</c>.</summary>
    public string Name { get; }

    /// <summary>The lease name of a connection.</summary>
    public static string NameOf(string connection) => RefreshTokenSource.LeasePrefix + connection;

    /// <summary>
    /// Takes the lease of <paramref name="options"/>' connection, waiting up to its <c>LeaseWait</c> while
    /// another writer holds it; then an <see cref="XeroApiException"/> (transient) says so.
    /// </summary>
    public static async Task<RefreshLease> AcquireAsync(
        ILeaseStore leases,
        RefreshTokenSourceOptions options,
        string owner,
        TimeProvider time,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leases);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        var name = NameOf(options.Connection);
        var deadline = time.GetUtcNow() + options.LeaseWait;
        var waiting = false;
        while (true)
        {
            var asked = time.GetUtcNow();
            if (await leases.TryAcquireAsync(name, owner, options.LeaseTtl, cancellationToken))
            {
                return new RefreshLease(name, leases, owner, options.LeaseTtl, asked + options.LeaseTtl, time, logger);
            }

            if (!waiting)
            {
                Log.Waiting(logger, name);
                waiting = true;
            }

            if (time.GetUtcNow() >= deadline)
            {
                throw new XeroApiException(
                    XeroFailure.Transient,
                    null,
                    $"Another process has been writing the Xero token of connection '{options.Connection}' for more than {options.LeaseWait.TotalSeconds:0} s (lease {name}); try again shortly.");
            }

            await Task.Delay(options.LeasePollInterval, time, cancellationToken);
        }
    }

    /// <summary>
    /// Renews the lease now and answers whether this holder has held it without a gap since it was taken:
    /// the check a writer makes immediately before storing a token.
    /// </summary>
    public async Task<bool> ConfirmAsync(CancellationToken cancellationToken) =>
        await RenewAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewal;
        _stop.Dispose();
        await _leases.ReleaseAsync(Name, _owner, CancellationToken.None);
    }

    private async Task RenewWhileHeldAsync()
    {
        var interval = _ttl / 3;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _time, _stop.Token);
                if (!await RenewAsync(_stop.Token))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutException or OperationCanceledException)
            {
                // Not fatal by itself: the next renewal may still come before the expiry.
                Log.RenewalFailed(_logger, Name, ex.GetType().Name);
            }
        }
    }

    private async Task<bool> RenewAsync(CancellationToken cancellationToken)
    {
        var asked = _time.GetUtcNow();
        lock (_sync)
        {
            if (_lost || asked >= _heldUntil)
            {
                // Expired before this renewal: someone else may have held it meanwhile. Never take it back.
                MarkLost(asked);
                return false;
            }
        }

        var renewed = await _leases.TryAcquireAsync(Name, _owner, _ttl, cancellationToken);
        lock (_sync)
        {
            if (!renewed)
            {
                MarkLost(asked);
                return false;
            }

            if (!_lost && asked + _ttl > _heldUntil)
            {
                _heldUntil = asked + _ttl;
            }

            return !_lost;
        }
    }

    private void MarkLost(DateTimeOffset at)
    {
        if (!_lost)
        {
            _lost = true;
            Log.Lost(_logger, Name, (int)(at - _heldUntil).TotalSeconds);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 117, Level = LogLevel.Debug, Message = "Waiting for lease {Lease}: another process is writing the token")]
        public static partial void Waiting(ILogger logger, string lease);

        [LoggerMessage(EventId = 118, Level = LogLevel.Warning, Message = "Lost lease {Lease} ({Seconds} s past its expiry, or taken by another process): this process will not store a token under it")]
        public static partial void Lost(ILogger logger, string lease, int seconds);

        [LoggerMessage(EventId = 119, Level = LogLevel.Warning, Message = "Renewing lease {Lease} failed ({Error}); trying again before it expires")]
        public static partial void RenewalFailed(ILogger logger, string lease, string error);
    }
}
