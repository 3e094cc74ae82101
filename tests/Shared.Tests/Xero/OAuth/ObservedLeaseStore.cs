using XeroSync.Ledger;

namespace XeroSync.Tests.Xero.OAuth;

/// <summary>One process's view of the lease store: counts the takes and renewals it got, awaitably.</summary>
internal sealed class ObservedLeaseStore(ILeaseStore inner) : ILeaseStore
{
    private readonly Lock _gate = new();
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];
    private int _granted;
    private int _inFlight;

    /// <summary>Calls to the lease store not answered yet.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public int Granted
    {
        get
        {
            lock (_gate)
            {
                return _granted;
            }
        }
    }

    /// <summary>Completes once <paramref name="count"/> takes or renewals have been granted.</summary>
    public Task GrantedAsync(int count)
    {
        lock (_gate)
        {
            if (_granted >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task;
        }
    }

    public async Task<bool> TryAcquireAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _inFlight);
        bool granted;
        try
        {
            granted = await inner.TryAcquireAsync(name, owner, ttl, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }

        if (granted)
        {
            lock (_gate)
            {
                _granted++;
                foreach (var waiter in _waiters.Where(w => w.Count <= _granted))
                {
                    waiter.Done.TrySetResult();
                }
            }
        }

        return granted;
    }

    public Task ReleaseAsync(string name, string owner, CancellationToken cancellationToken) => inner.ReleaseAsync(name, owner, cancellationToken);
}
