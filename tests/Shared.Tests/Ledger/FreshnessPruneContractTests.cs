using XeroSync.Ledger;

namespace XeroSync.Tests.Ledger;

/// <summary>
/// Freshness records do not grow with every targeted run, in SQLite and Firestore alike: a batch is kept until it lands
/// (then only the table's row remains, which is what status and GET /freshness show), and one that never lands is
/// deleted once a batch a week newer is seen (docs/webhooks.md, "Freshness").
/// </summary>
public abstract class FreshnessPruneContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract IFreshnessStore NewStore();

    /// <summary>The batch records the store holds, read from its storage directly.</summary>
    protected abstract Task<int> CountBatchesAsync();

    [Fact(Timeout = 120_000)]
    public async Task A_landed_batch_is_pruned_and_the_table_keeps_what_the_freshness_route_shows()
    {
        var store = NewStore();
        var first = new ChangeBatch("run-1", "tenant-a", "Invoices", 2, T0, T0.AddSeconds(1));
        var second = new ChangeBatch("run-2", "tenant-a", "Invoices", 1, T0.AddSeconds(5), T0.AddSeconds(5));
        await store.RecordSeenAsync([first], Ct);
        await store.RecordSeenAsync([second], Ct);
        Assert.Equal(2, await CountBatchesAsync());

        var landed = await store.RecordLandedAsync(first.Key, T0.AddSeconds(3), Ct);
        Assert.NotNull(landed);
        Assert.Equal(1, await CountBatchesAsync());
        Assert.Null(await store.RecordLandedAsync(first.Key, T0.AddSeconds(4), Ct));

        var table = Assert.Single(await store.ListAsync(Ct));
        Assert.Equal((T0.AddSeconds(5), T0.AddSeconds(3), T0.AddSeconds(1), TimeSpan.FromSeconds(3), "run-1", true), (table.LastChangeSeen, table.LastLanded, table.LastChangeLanded, table.Latency, table.LastRunId, table.Behind));

        Assert.NotNull(await store.RecordLandedAsync(second.Key, T0.AddSeconds(9), Ct));
        Assert.Equal(0, await CountBatchesAsync());
        table = Assert.Single(await store.ListAsync(Ct));
        Assert.Equal((T0.AddSeconds(5), T0.AddSeconds(9), T0.AddSeconds(5), TimeSpan.FromSeconds(4), "run-2", false), (table.LastChangeSeen, table.LastLanded, table.LastChangeLanded, table.Latency, table.LastRunId, table.Behind));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_batch_that_never_lands_is_pruned_a_week_later_and_a_newer_one_is_kept()
    {
        var store = NewStore();
        var stale = new ChangeBatch("run-1", "tenant-a", "Contacts", 1, T0, T0);
        var recent = new ChangeBatch("run-2", "tenant-a", "Contacts", 1, T0.AddDays(6), T0.AddDays(6));
        await store.RecordSeenAsync([stale], Ct);
        await store.RecordSeenAsync([recent], Ct);
        Assert.Equal(2, await CountBatchesAsync());

        // Eight days after the first: it is past keeping; the six-day-old one is not.
        var later = new ChangeBatch("run-3", "tenant-a", "Payments", 1, T0.AddDays(8), T0.AddDays(8));
        await store.RecordSeenAsync([later], Ct);
        Assert.Equal(2, await CountBatchesAsync());
        Assert.Null(await store.RecordLandedAsync(stale.Key, T0.AddDays(8), Ct));
        Assert.NotNull(await store.RecordLandedAsync(recent.Key, T0.AddDays(8), Ct));

        // The tables themselves are what the freshness route shows: none is pruned.
        Assert.Equal(["Contacts", "Payments"], (await store.ListAsync(Ct)).Select(t => t.Endpoint));
    }
}
