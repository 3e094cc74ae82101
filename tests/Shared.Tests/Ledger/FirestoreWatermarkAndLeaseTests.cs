using Microsoft.Extensions.Time.Testing;
using XeroSync.Contracts;
using XeroSync.Ledger.Firestore;
using XeroSync.Tests.Google;

namespace XeroSync.Tests.Ledger;

public sealed class FirestoreWatermarkAndLeaseTests
{
    private readonly GoogleEmulators _emulators;
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N") + "_";

    public FirestoreWatermarkAndLeaseTests(GoogleEmulators emulators)
    {
        _emulators = emulators;
        emulators.Require();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private FirestoreLeaseStore Leases(TimeProvider time) => new(GoogleTestClients.Firestore(_emulators.FirestoreHost!), time, _prefix);

    [Fact]
    public async Task Watermarks_never_move_backwards_and_null_never_overwrites()
    {
        var store = new FirestoreWatermarkStore(GoogleTestClients.Firestore(_emulators.FirestoreHost!), _prefix);
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

    [Fact]
    public async Task Leases_exclude_other_owners_until_released_or_expired()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var leases = Leases(time);
        var otherProcess = Leases(time);
        var ttl = TimeSpan.FromSeconds(30);

        Assert.True(await leases.TryAcquireAsync("refresh/t1", "a", ttl, Ct));
        Assert.False(await otherProcess.TryAcquireAsync("refresh/t1", "b", ttl, Ct));
        Assert.True(await otherProcess.TryAcquireAsync("refresh:t2", "b", ttl, Ct));
        Assert.True(await leases.TryAcquireAsync("refresh/t1", "a", ttl, Ct));

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(await otherProcess.TryAcquireAsync("refresh/t1", "b", ttl, Ct));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await otherProcess.TryAcquireAsync("refresh/t1", "b", ttl, Ct));
        Assert.False(await leases.TryAcquireAsync("refresh/t1", "a", ttl, Ct));

        await leases.ReleaseAsync("refresh/t1", "a", Ct); // not the holder: no effect
        Assert.False(await leases.TryAcquireAsync("refresh/t1", "a", ttl, Ct));
        await otherProcess.ReleaseAsync("refresh/t1", "b", Ct);
        Assert.True(await leases.TryAcquireAsync("refresh/t1", "a", ttl, Ct));
    }

    [Fact]
    public async Task Exactly_one_of_many_concurrent_acquirers_gets_the_lease()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(
            () => Leases(time)
                .TryAcquireAsync("refresh/t1", $"owner-{i}", TimeSpan.FromMinutes(1), Ct),
            Ct)));
        Assert.Single(results, r => r);
    }
}
