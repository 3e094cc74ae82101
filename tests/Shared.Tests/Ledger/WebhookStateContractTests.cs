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

    [Fact(Timeout = 120_000)]
    public async Task Concurrent_sequence_updates_from_two_instances_are_serialised()
    {
        var time = new FakeTimeProvider(T0);
        var stores = new[] { NewStore(time), NewStore(time) };
        // Eight rounds of one update on each instance at the same moment (two payloads arriving together), each counting
        // one more: a lost update leaves fewer than 16 and hands two updates the same number.
        var seen = new List<long>();
        for (var round = 0; round < 8; round++)
        {
            seen.AddRange(await Task.WhenAll(stores.Select(store => Task.Run(() => store.UpdateSequenceAsync(
                state =>
                {
                    var next = (state.Highest ?? 0) + 1;
                    return (state with { Highest = next }, next);
                },
                Ct)))));
        }

        Assert.Equal(Enumerable.Range(1, 16).Select(i => (long)i), seen.Order());
        Assert.Equal(16, await stores[0].UpdateSequenceAsync(s => (s, s.Highest), Ct));
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
