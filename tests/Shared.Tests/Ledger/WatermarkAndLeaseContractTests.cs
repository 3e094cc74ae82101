using Microsoft.Extensions.Time.Testing;
using XeroSync.Contracts;
using XeroSync.Ledger;

namespace XeroSync.Tests.Ledger;

/// <summary>The IWatermarkStore and ILeaseStore contracts, run against SQLite and Firestore alike.</summary>
public abstract class WatermarkAndLeaseContractTests
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The lease name used throughout; each adapter picks one that exercises its own id handling.</summary>
    protected abstract string LeaseName { get; }

    protected abstract IWatermarkStore NewWatermarks();

    /// <summary>A further lease store over the same state, as another process would have.</summary>
    protected abstract ILeaseStore NewLeases(TimeProvider time);

    [Fact(Timeout = 60_000)]
    public async Task Watermarks_never_move_backwards_and_null_never_overwrites()
    {
        var store = NewWatermarks();
        var t1 = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        Assert.Null(await store.GetAsync("t", "Invoices", Ct));

        await store.AdvanceAsync("t", "Invoices", new Watermark(t1, 50), Ct);
        await store.AdvanceAsync("t", "Invoices", new Watermark(t1.AddHours(-1), 40), Ct);
        Assert.Equal(new Watermark(t1, 50), await store.GetAsync("t", "Invoices", Ct));

        await store.AdvanceAsync("t", "Invoices", new Watermark(null, 70), Ct);
        Assert.Equal(new Watermark(t1, 70), await store.GetAsync("t", "Invoices", Ct));

        // A later instant in another offset is still later.
        var later = new DateTimeOffset(2026, 1, 2, 16, 0, 0, TimeSpan.FromHours(12));
        await store.AdvanceAsync("t", "Invoices", new Watermark(later, null), Ct);
        Assert.Equal(new Watermark(later, 70), await store.GetAsync("t", "Invoices", Ct));

        Assert.Null(await store.GetAsync("t", "Contacts", Ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Leases_exclude_other_owners_until_released_or_expired()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var leases = NewLeases(time);
        var otherProcess = NewLeases(time);
        var ttl = TimeSpan.FromSeconds(30);

        Assert.True(await leases.TryAcquireAsync(LeaseName, "a", ttl, Ct));
        Assert.False(await otherProcess.TryAcquireAsync(LeaseName, "b", ttl, Ct));
        Assert.True(await otherProcess.TryAcquireAsync("refresh:t2", "b", ttl, Ct));
        Assert.True(await leases.TryAcquireAsync(LeaseName, "a", ttl, Ct));

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(await otherProcess.TryAcquireAsync(LeaseName, "b", ttl, Ct));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await otherProcess.TryAcquireAsync(LeaseName, "b", ttl, Ct));
        Assert.False(await leases.TryAcquireAsync(LeaseName, "a", ttl, Ct));

        await leases.ReleaseAsync(LeaseName, "a", Ct); // not the holder: no effect
        Assert.False(await leases.TryAcquireAsync(LeaseName, "a", ttl, Ct));
        await otherProcess.ReleaseAsync(LeaseName, "b", Ct);
        Assert.True(await leases.TryAcquireAsync(LeaseName, "a", ttl, Ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Exactly_one_of_many_concurrent_acquirers_gets_the_lease()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(
            () => NewLeases(time)
                .TryAcquireAsync(LeaseName, $"owner-{i}", TimeSpan.FromMinutes(1), Ct),
            Ct)));
        Assert.Single(results, r => r);
    }
}
