namespace XeroSync.Webhooks;

/// <summary>
/// Notices an organisation's category that has gone quiet for longer than its events make usual: a lost event that no
/// later event follows (the last before a quiet spell) opens no hole in the sequence, so this is the trigger that finds
/// it. Each payload naming a (organisation, category) records its arrival; the gap since the previous arrival updates the
/// usual gap, an exponentially weighted moving average (the first gap sets it; each later one moves it a quarter of the
/// way: <c>usual += (gap - usual) / 4</c>), so it follows a changing rhythm without keeping a list. A category is quiet
/// when it has seen at least <see cref="WebhookOptions.QuietMinGaps"/> gaps (so an expectation exists) and
/// <c>now - last event &gt; max(QuietFactor x usual gap, QuietFloor)</c>. A quiet category is taken once per quiet spell:
/// it is marked until a new event arrives for it. The decisions only: the state lives with the sequence in an
/// <see cref="Ledger.IWebhookStateStore"/>. Not thread-safe: the caller serialises.
/// </summary>
public sealed class QuietWatch
{
    /// <summary>The weight of the newest gap in the usual gap.</summary>
    public const double Weight = 0.25;

    private readonly Dictionary<(string TenantId, string Endpoint), CategoryActivity> _activity = [];

    public QuietWatch(IEnumerable<CategoryActivity> activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        foreach (var a in activity)
        {
            _activity[(a.TenantId, a.Endpoint)] = a;
        }
    }

    /// <summary>What to store.</summary>
    public IReadOnlyList<CategoryActivity> Activity => [.. _activity.Values.OrderBy(a => a.TenantId, StringComparer.Ordinal).ThenBy(a => a.Endpoint, StringComparer.Ordinal)];

    /// <summary>A payload naming <paramref name="endpoint"/> of <paramref name="tenantId"/> arrived at <paramref name="now"/>.</summary>
    public void Observe(string tenantId, string endpoint, DateTimeOffset now)
    {
        if (!_activity.TryGetValue((tenantId, endpoint), out var known))
        {
            _activity[(tenantId, endpoint)] = new CategoryActivity(tenantId, endpoint, now, 0, TimeSpan.Zero, false);
            return;
        }

        if (now <= known.LastEvent)
        {
            // Another payload at the same moment (or an instance whose clock is behind): no gap to learn from.
            _activity[(tenantId, endpoint)] = known with { Triggered = false };
            return;
        }

        var gap = now - known.LastEvent;
        var usual = known.Gaps == 0 ? gap : known.UsualGap + ((gap - known.UsualGap) * Weight);
        _activity[(tenantId, endpoint)] = new CategoryActivity(tenantId, endpoint, now, known.Gaps + 1, usual, false);
    }

    /// <summary>How long <paramref name="activity"/> may stay quiet before it counts as quiet; null while no expectation exists.</summary>
    public static TimeSpan? Limit(CategoryActivity activity, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(options);
        if (activity.Gaps < options.QuietMinGaps)
        {
            return null;
        }

        var scaled = activity.UsualGap * options.QuietFactor;
        return scaled > options.QuietFloor ? scaled : options.QuietFloor;
    }

    /// <summary>Marks and returns the categories quiet at <paramref name="now"/> not yet taken in this quiet spell.</summary>
    public IReadOnlyList<CategoryActivity> TakeQuiet(DateTimeOffset now, WebhookOptions options)
    {
        var quiet = _activity.Values
            .Where(a => !a.Triggered && Limit(a, options) is { } limit && now - a.LastEvent > limit)
            .OrderBy(a => a.TenantId, StringComparer.Ordinal).ThenBy(a => a.Endpoint, StringComparer.Ordinal)
            .ToList();
        foreach (var a in quiet)
        {
            _activity[(a.TenantId, a.Endpoint)] = a with { Triggered = true };
        }

        return quiet;
    }

    /// <summary>Unmarks categories taken whose incremental could not be started (no event arrived since), so the next check tries again.</summary>
    public void Restore(IReadOnlyList<CategoryActivity> taken)
    {
        ArgumentNullException.ThrowIfNull(taken);
        foreach (var a in taken)
        {
            if (_activity.TryGetValue((a.TenantId, a.Endpoint), out var now) && now.LastEvent == a.LastEvent)
            {
                _activity[(a.TenantId, a.Endpoint)] = now with { Triggered = false };
            }
        }
    }

    /// <summary>When the next category not yet taken turns quiet, if any has an expectation.</summary>
    public DateTimeOffset? NextDue(WebhookOptions options) =>
        _activity.Values.Where(a => !a.Triggered).Select(a => Limit(a, options) is { } limit ? a.LastEvent + limit : (DateTimeOffset?)null).Min();
}
