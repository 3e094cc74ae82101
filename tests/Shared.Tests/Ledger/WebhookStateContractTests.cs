using Microsoft.Extensions.Time.Testing;
using XeroSync.Ledger;
using XeroSync.Webhooks;

namespace XeroSync.Tests.Ledger;

/// <summary>
/// The IWebhookStateStore contract, run against SQLite and Firestore alike: two store instances over the same state (two
/// processes, two Dispatcher instances) deciding at once each decide on the other's result, nothing is lost, a record is
/// claimed once.
/// </summary>
public abstract class WebhookStateContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A further store over the same state, as another process would have.</summary>
    protected abstract IWebhookStateStore NewStore(TimeProvider time);

    [Theory(Timeout = 120_000)]
    [InlineData(2, 16)]
    [InlineData(4, 32)]
    public async Task A_burst_of_concurrent_sequence_updates_from_several_instances_is_serialised(int instances, int payloads)
    {
        var time = new FakeTimeProvider(T0);
        var stores = Enumerable.Range(0, instances).Select(_ => NewStore(time)).ToList();
        foreach (var store in stores)
        {
            // Connections open before the clock starts: the figure is the burst's, not a cold start's.
            await store.UpdateSentAsync([new SentRecord("tenant-a", "Invoices", "warm-up")], sent => (new Dictionary<SentRecord, DateTimeOffset?>(), sent.Count), Ct);
        }

        // Every payload of a burst (Xero delivering several at once, spread over the instances) updates the sequence at the
        // same moment, each counting one more: a lost update leaves fewer than the payloads and hands two the same number.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var seen = await Task.WhenAll(Enumerable.Range(0, payloads).Select(i => Task.Run(() => stores[i % instances].UpdateSequenceAsync(
            state =>
            {
                var next = (state.Highest ?? 0) + 1;
                return (state with { Highest = next }, next);
            },
            Ct))));
        TestContext.Current.TestOutputHelper?.WriteLine($"{payloads} concurrent sequence updates over {instances} instances: {watch.ElapsedMilliseconds} ms");

        Assert.Equal(Enumerable.Range(1, payloads).Select(i => (long)i), seen.Order());
        Assert.Equal(payloads, await stores[0].UpdateSequenceAsync(s => (s, s.Highest), Ct));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_decision_that_throws_fails_its_own_update_only()
    {
        var time = new FakeTimeProvider(T0);
        var store = NewStore(time);
        // Eight updates at once on one instance, the fourth failing in its decision: it alone sees the failure, the
        // other seven count.
        var updates = Enumerable.Range(0, 8).Select(i => Task.Run(() => store.UpdateSequenceAsync(
            state => i == 3
                ? throw new InvalidOperationException("decision failed")
                : (state with { Highest = (state.Highest ?? 0) + 1 }, i),
            Ct))).ToList();
        await Assert.ThrowsAsync<InvalidOperationException>(() => updates[3]);
        foreach (var update in updates.Where((_, i) => i != 3))
        {
            await update;
        }

        Assert.Equal(7, await NewStore(time).UpdateSequenceAsync(s => (s, s.Highest), Ct));
    }

    [Fact(Timeout = 120_000)]
    public async Task The_sequence_state_round_trips_with_its_holes()
    {
        var time = new FakeTimeProvider(T0);
        var opened = T0.AddMilliseconds(123);
        await NewStore(time).UpdateSequenceAsync(_ => (new SequenceState(9, [new SequenceHole(4, 5, opened), new SequenceHole(7, 7, T0)]), 0), Ct);

        var read = await NewStore(time).UpdateSequenceAsync(s => (s, s), Ct);
        Assert.Equal(9, read.Highest);
        Assert.Equal([(4L, 5L, opened), (7L, 7L, T0)], read.Holes.OrderBy(h => h.From).Select(h => (h.From, h.To, h.OpenedAt)));
    }

    [Fact(Timeout = 120_000)]
    public async Task The_category_activity_round_trips_and_a_quiet_category_is_taken_once_by_instances_checking_at_once()
    {
        // Four payloads a minute apart for one organisation's invoices, one for its contacts, each through a different
        // instance; then two instances check at once, 10 min 1 s after the last invoice (the floor: 4 x 60 s is less).
        var time = new FakeTimeProvider(T0);
        var stores = Enumerable.Range(0, 2).Select(_ => NewStore(time)).ToList();
        var options = new WebhookOptions { QuietFactor = 4, QuietFloor = TimeSpan.FromMinutes(10), QuietMinGaps = 3 };
        for (var i = 0; i < 4; i++)
        {
            var at = T0.AddMinutes(i);
            await stores[i % 2].UpdateSequenceAsync(
                state =>
                {
                    var watch = new QuietWatch(state.Activity);
                    watch.Observe("tenant-a", "Invoices", at);
                    if (i == 0)
                    {
                        watch.Observe("tenant-a", "Contacts", at);
                    }

                    return (state with { Activity = watch.Activity }, 0);
                },
                Ct);
        }

        var read = await NewStore(time).UpdateSequenceAsync(s => (s, s.Activity), Ct);
        Assert.Equal(
            [("tenant-a", "Contacts", T0, 0, TimeSpan.Zero, false), ("tenant-a", "Invoices", T0.AddMinutes(3), 3, TimeSpan.FromMinutes(1), false)],
            read.OrderBy(a => a.Endpoint, StringComparer.Ordinal).Select(a => (a.TenantId, a.Endpoint, a.LastEvent, a.Gaps, a.UsualGap, a.Triggered)));

        var now = T0.AddMinutes(3 + 10).AddSeconds(1);
        var taken = await Task.WhenAll(stores.Select(store => Task.Run(() => store.UpdateSequenceAsync(
            state =>
            {
                var watch = new QuietWatch(state.Activity);
                var quiet = watch.TakeQuiet(now, options);
                return (state with { Activity = watch.Activity }, quiet);
            },
            Ct))));
        var all = taken.SelectMany(t => t).ToList();
        Assert.Equal(("tenant-a", "Invoices"), (Assert.Single(all).TenantId, all[0].Endpoint));
        Assert.True(Assert.Single(await NewStore(time).UpdateSequenceAsync(s => (s, s.Activity.Where(a => a.Endpoint == "Invoices").ToList()), Ct)).Triggered);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_record_claimed_by_two_instances_at_once_is_claimed_once_and_forgetting_it_lets_it_be_claimed_again()
    {
        var time = new FakeTimeProvider(T0);
        var stores = new[] { NewStore(time), NewStore(time) };
        var record = new SentRecord("tenant-a", "Invoices", "record-1");
        var other = new SentRecord("tenant-a", "Contacts", "record-1");
        var changedAt = T0.AddSeconds(-5);

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => stores[i % 2].UpdateSentAsync(
            [record, other],
            sent => sent.ContainsKey(record)
                ? ((IReadOnlyDictionary<SentRecord, DateTimeOffset?>)new Dictionary<SentRecord, DateTimeOffset?>(), false)
                : (new Dictionary<SentRecord, DateTimeOffset?> { [record] = changedAt }, true),
            Ct))));
        Assert.Equal(1, claims.Count(c => c));

        var read = await NewStore(time).UpdateSentAsync([record, other], sent => (new Dictionary<SentRecord, DateTimeOffset?>(), sent.ToDictionary()), Ct);
        Assert.Equal(changedAt, Assert.Single(read, p => p.Key == record).Value);
        Assert.DoesNotContain(other, read.Keys);

        await stores[1].UpdateSentAsync([record], _ => (new Dictionary<SentRecord, DateTimeOffset?> { [record] = null }, 0), Ct);
        var after = await stores[0].UpdateSentAsync([record], sent => (new Dictionary<SentRecord, DateTimeOffset?>(), sent.Count), Ct);
        Assert.Equal(0, after);
    }
}
