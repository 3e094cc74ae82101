using XeroSync.Webhooks;

namespace XeroSync.Tests.Webhooks;

/// <summary>
/// The quiet rule as docs/webhooks.md states it: the usual gap is the first gap, then each later gap moves it a quarter of
/// the way (<c>usual += (gap - usual) / 4</c>); a category with at least the minimum gaps is quiet when
/// <c>now - last &gt; max(factor x usual, floor)</c>, taken once per quiet spell. Expected values are computed here from that text.
/// </summary>
public sealed class QuietWatchTests
{
    private const string Tenant = "0c1a2b3c-0000-4000-8000-000000000001";
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private static WebhookOptions Options(double factor = 4, int floorMinutes = 10, int minGaps = 3) =>
        new() { QuietFactor = factor, QuietFloor = TimeSpan.FromMinutes(floorMinutes), QuietMinGaps = minGaps };

    [Fact(Timeout = 10_000)]
    public void The_usual_gap_is_the_documented_moving_average_and_the_limit_its_multiple()
    {
        // Arrivals 0, 60, 240, 300, 420 s: gaps 60, 180, 60, 120 s.
        double[] arrivals = [0, 60, 240, 300, 420];
        var watch = new QuietWatch([]);
        foreach (var at in arrivals)
        {
            watch.Observe(Tenant, "Invoices", T0.AddSeconds(at));
        }

        double usual = 60;
        foreach (var gap in new double[] { 180, 60, 120 })
        {
            usual += (gap - usual) / 4;
        }

        var activity = Assert.Single(watch.Activity);
        Assert.Equal(4, activity.Gaps);
        Assert.Equal(usual, activity.UsualGap.TotalSeconds, 6);
        var options = Options(factor: 8, floorMinutes: 1);
        Assert.Equal(Math.Max(8 * usual, 60), QuietWatch.Limit(activity, options)!.Value.TotalSeconds, 6);

        var limit = Math.Max(8 * usual, 60);
        Assert.Empty(watch.TakeQuiet(T0.AddSeconds(420 + limit), options));
        Assert.Equal(T0.AddSeconds(420 + limit), watch.NextDue(options)!.Value, TimeSpan.FromMilliseconds(1));
        var quiet = Assert.Single(watch.TakeQuiet(T0.AddSeconds(420 + limit + 1), options));
        Assert.Equal(("Invoices", T0.AddSeconds(420)), (quiet.Endpoint, quiet.LastEvent));
    }

    [Fact(Timeout = 10_000)]
    public void The_floor_holds_when_events_usually_come_often()
    {
        var watch = new QuietWatch([]);
        for (var i = 0; i < 5; i++)
        {
            watch.Observe(Tenant, "Contacts", T0.AddSeconds(10 * i));
        }

        // 4 x 10 s is 40 s, under the 10-minute floor: the floor is the limit.
        var options = Options();
        Assert.Empty(watch.TakeQuiet(T0.AddSeconds(40 + 600), options));
        Assert.Single(watch.TakeQuiet(T0.AddSeconds(40 + 601), options));
    }

    [Fact(Timeout = 10_000)]
    public void A_quiet_spell_is_taken_once_until_a_new_event_arrives()
    {
        var watch = new QuietWatch([]);
        for (var i = 0; i < 4; i++)
        {
            watch.Observe(Tenant, "Payments", T0.AddMinutes(i));
        }

        var options = Options();
        var late = T0.AddMinutes(3 + 11);
        Assert.Single(watch.TakeQuiet(late, options));
        Assert.Empty(watch.TakeQuiet(late.AddHours(5), options));
        Assert.Null(watch.NextDue(options));

        // A new event ends the spell: the next quiet spell is taken again, past the limit the long gap raised.
        var next = late.AddHours(5);
        watch.Observe(Tenant, "Payments", next);
        var gap = (next - T0.AddMinutes(3)).TotalSeconds;
        var usual = 60 + ((gap - 60) / 4);
        var limit = Math.Max(4 * usual, 600);
        Assert.Empty(watch.TakeQuiet(next.AddSeconds(limit - 1), options));
        Assert.Single(watch.TakeQuiet(next.AddSeconds(limit + 1), options));
    }

    [Fact(Timeout = 10_000)]
    public void Too_few_gaps_give_no_expectation_so_never_quiet()
    {
        var watch = new QuietWatch([]);
        watch.Observe(Tenant, "CreditNotes", T0);
        watch.Observe(Tenant, "CreditNotes", T0.AddMinutes(1));
        watch.Observe(Tenant, "CreditNotes", T0.AddMinutes(2));

        // Two gaps, three required.
        Assert.Empty(watch.TakeQuiet(T0.AddDays(30), Options()));
        Assert.Null(watch.NextDue(Options()));
        Assert.Single(watch.TakeQuiet(T0.AddDays(30), Options(minGaps: 2)));
    }

    [Fact(Timeout = 10_000)]
    public void A_take_that_could_not_start_is_given_back_unless_an_event_arrived_since()
    {
        var watch = new QuietWatch([]);
        for (var i = 0; i < 4; i++)
        {
            watch.Observe(Tenant, "Prepayments", T0.AddMinutes(i));
            watch.Observe(Tenant, "Invoices", T0.AddMinutes(i));
        }

        var options = Options();
        var taken = watch.TakeQuiet(T0.AddHours(1), options);
        Assert.Equal(["Invoices", "Prepayments"], taken.Select(a => a.Endpoint));
        watch.Observe(Tenant, "Invoices", T0.AddHours(1).AddSeconds(1));
        watch.Restore(taken);

        Assert.Equal(["Prepayments"], watch.TakeQuiet(T0.AddHours(1).AddSeconds(2), options).Select(a => a.Endpoint));
    }

    [Fact(Timeout = 10_000)]
    public void Settings_are_read_from_the_environment_and_bad_values_refused_in_one_message()
    {
        var read = WebhookOptions.FromEnvironment(
            name => name switch
            {
                "XEROSYNC_WEBHOOK_QUIET_FACTOR" => "2.5",
                "XEROSYNC_WEBHOOK_QUIET_FLOOR_MINUTES" => "30",
                "XEROSYNC_WEBHOOK_QUIET_MIN_GAPS" => "5",
                _ => null,
            },
            new WebhookOptions());
        Assert.Equal((2.5, TimeSpan.FromMinutes(30), 5), (read.QuietFactor, read.QuietFloor, read.QuietMinGaps));

        var defaults = WebhookOptions.FromEnvironment(_ => null, new WebhookOptions());
        Assert.Equal((4.0, TimeSpan.FromMinutes(10), 3), (defaults.QuietFactor, defaults.QuietFloor, defaults.QuietMinGaps));

        var error = Assert.Throws<InvalidOperationException>(() => WebhookOptions.FromEnvironment(
            name => name switch
            {
                "XEROSYNC_WEBHOOK_QUIET_FACTOR" => "0.5",
                "XEROSYNC_WEBHOOK_QUIET_FLOOR_MINUTES" => "soon",
                "XEROSYNC_WEBHOOK_QUIET_MIN_GAPS" => "2.5",
                _ => null,
            },
            new WebhookOptions()));
        Assert.StartsWith("Invalid configuration:", error.Message, StringComparison.Ordinal);
        Assert.Contains("XEROSYNC_WEBHOOK_QUIET_FACTOR '0.5'", error.Message, StringComparison.Ordinal);
        Assert.Contains("XEROSYNC_WEBHOOK_QUIET_FLOOR_MINUTES 'soon'", error.Message, StringComparison.Ordinal);
        Assert.Contains("XEROSYNC_WEBHOOK_QUIET_MIN_GAPS", error.Message, StringComparison.Ordinal);
    }
}
