using XeroSync.Webhooks;

namespace XeroSync.Tests.Webhooks;

public sealed class SequenceGapsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    [Fact(Timeout = 10_000)]
    public void A_hole_filled_before_the_grace_period_is_not_lost()
    {
        var gaps = new SequenceGaps();
        gaps.Observe(1, 3, T0);
        gaps.Observe(6, 7, T0);
        Assert.Equal([(4L, 5L)], gaps.Open.Select(h => (h.From, h.To)));

        gaps.Observe(4, 5, T0.AddSeconds(1));
        Assert.Empty(gaps.TakeLost(T0.AddMinutes(5), TimeSpan.FromSeconds(30)));
    }

    [Fact(Timeout = 10_000)]
    public void A_hole_open_past_the_grace_period_is_lost_once_and_a_partial_fill_keeps_the_rest()
    {
        var gaps = new SequenceGaps();
        gaps.Observe(0, 0, T0);
        gaps.Observe(10, 10, T0);
        gaps.Observe(15, 15, T0);
        gaps.Observe(12, 12, T0);

        Assert.Empty(gaps.TakeLost(T0.AddSeconds(29), TimeSpan.FromSeconds(30)));
        Assert.Equal([(11L, 11L), (13L, 14L)], gaps.TakeLost(T0.AddSeconds(30), TimeSpan.FromSeconds(30)).Select(h => (h.From, h.To)));
        Assert.Empty(gaps.TakeLost(T0.AddMinutes(5), TimeSpan.FromSeconds(30)));
    }

    [Fact(Timeout = 10_000)]
    public void Repeated_and_older_payloads_open_no_hole()
    {
        var gaps = new SequenceGaps();
        gaps.Observe(5, 6, T0);
        gaps.Observe(5, 6, T0);
        gaps.Observe(1, 2, T0);
        gaps.Observe(7, 7, T0);
        Assert.Empty(gaps.Open);
    }
}
