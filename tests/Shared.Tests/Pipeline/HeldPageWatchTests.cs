using XeroSync.Pipeline;

namespace XeroSync.Tests.Pipeline;

/// <summary>
/// A delivery that finds its page held by another delivery: it leaves the page to a holder that renews its lease (alive),
/// takes the page over once the lease lapses (the holder is gone), and never waits for its own deadline while a live holder
/// works. Lease ends and clocks are the test's own (a 30 s lease renewed every 10 s, as a holder would).
/// </summary>
public sealed class HeldPageWatchTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 5, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FarDeadline = Start + TimeSpan.FromMinutes(7.5);

    [Fact(Timeout = 10_000)]
    public void A_holder_that_renews_its_lease_has_the_page_left_to_it_at_the_first_look_after_the_renewal()
    {
        var watch = new HeldPageWatch();
        var lease = Start + TimeSpan.FromSeconds(30);
        Assert.Equal(HeldPageStepKind.LookAgain, watch.Next(lease, Start, FarDeadline).Kind);

        // Looks during the renewal interval see the same lease end: keep looking.
        for (var second = 1; second < 10; second++)
        {
            Assert.Equal(HeldPageStepKind.LookAgain, watch.Next(lease, Start + TimeSpan.FromSeconds(second), FarDeadline).Kind);
        }

        // The holder renewed at +10 s: its lease now ends at +40 s.
        var step = watch.Next(Start + TimeSpan.FromSeconds(40), Start + TimeSpan.FromSeconds(10), FarDeadline);
        Assert.Equal(HeldPageStepKind.LeaveToHolder, step.Kind);
    }

    [Fact(Timeout = 10_000)]
    public void A_holder_that_stops_renewing_is_watched_until_its_lease_lapses_and_never_left_to()
    {
        var watch = new HeldPageWatch();
        var lease = Start + TimeSpan.FromSeconds(30);
        var now = Start;
        while (now < lease)
        {
            var step = watch.Next(lease, now, FarDeadline);
            Assert.Equal(HeldPageStepKind.LookAgain, step.Kind);
            Assert.True(step.Pause > TimeSpan.Zero && step.Pause <= TimeSpan.FromSeconds(1), $"pause {step.Pause}");

            // Never a look past the lease's end: the delivery takes the page over as soon as it is free.
            Assert.True(now + step.Pause <= lease || step.Pause == TimeSpan.FromMilliseconds(50), $"at {now - Start} paused past the lease");
            now += step.Pause;
        }

        Assert.Equal(lease, now);
    }

    [Fact(Timeout = 10_000)]
    public void A_page_still_held_at_the_deadline_is_answered_for_redelivery()
    {
        var watch = new HeldPageWatch();
        var deadline = Start + TimeSpan.FromSeconds(5);
        Assert.Equal(HeldPageStepKind.LookAgain, watch.Next(Start + TimeSpan.FromSeconds(30), Start, deadline).Kind);
        Assert.Equal(HeldPageStepKind.AnswerForRedelivery, watch.Next(Start + TimeSpan.FromSeconds(30), deadline, deadline).Kind);
    }

    [Fact(Timeout = 10_000)]
    public void A_new_holder_taking_a_lapsed_lease_is_alive_too()
    {
        // The first holder lapsed and a third delivery claimed the page before this one looked again: its lease ends later.
        var watch = new HeldPageWatch();
        Assert.Equal(HeldPageStepKind.LookAgain, watch.Next(Start + TimeSpan.FromSeconds(1), Start, FarDeadline).Kind);
        Assert.Equal(HeldPageStepKind.LeaveToHolder, watch.Next(Start + TimeSpan.FromSeconds(31), Start + TimeSpan.FromSeconds(1), FarDeadline).Kind);
    }

    [Fact(Timeout = 10_000)]
    public void Without_a_deadline_a_live_holder_is_still_left_to_and_a_lapsing_one_still_watched()
    {
        var watch = new HeldPageWatch();
        Assert.Equal(HeldPageStepKind.LookAgain, watch.Next(Start + TimeSpan.FromSeconds(30), Start, null).Kind);
        Assert.Equal(HeldPageStepKind.LookAgain, watch.Next(Start + TimeSpan.FromSeconds(30), Start + TimeSpan.FromSeconds(29), null).Kind);
        Assert.Equal(HeldPageStepKind.LeaveToHolder, watch.Next(Start + TimeSpan.FromSeconds(39), Start + TimeSpan.FromSeconds(29.5), null).Kind);
    }
}
