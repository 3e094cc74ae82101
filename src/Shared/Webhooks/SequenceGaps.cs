namespace XeroSync.Webhooks;

/// <summary>
/// Watches the payloads' <c>firstEventSequence</c>/<c>lastEventSequence</c> for events that never arrive. A payload
/// that starts past the highest sequence seen + 1 opens a hole; a later payload (a retry, a late delivery) fills it;
/// a hole still open after the grace period is lost. The first payload only sets where counting starts (what came
/// before it is the scheduled incremental's). The decisions only: the state comes from and goes back to an
/// <see cref="Ledger.IWebhookStateStore"/>, so every instance counts the same sequence. Not thread-safe: the caller serialises.
/// </summary>
public sealed class SequenceGaps
{
    private readonly List<SequenceHole> _holes = [];
    private readonly IReadOnlyList<CategoryActivity> _activity = [];
    private long? _highest;

    public SequenceGaps()
    {
    }

    public SequenceGaps(SequenceState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _highest = state.Highest;
        _holes.AddRange(state.Holes);
        _activity = state.Activity;
    }

    public IReadOnlyList<SequenceHole> Open => _holes;

    /// <summary>What to store (the activity as read: <see cref="QuietWatch"/> owns it).</summary>
    public SequenceState State => new(_highest, [.. _holes.OrderBy(h => h.From)]) { Activity = _activity };

    public void Observe(long first, long last, DateTimeOffset now)
    {
        if (last <= 0 || first <= 0 || last < first)
        {
            // Intent to receive (sequence 0), or nothing to count.
            return;
        }

        for (var i = _holes.Count - 1; i >= 0; i--)
        {
            var hole = _holes[i];
            if (last < hole.From || first > hole.To)
            {
                continue;
            }

            _holes.RemoveAt(i);
            if (hole.From < first)
            {
                _holes.Add(hole with { To = first - 1 });
            }

            if (hole.To > last)
            {
                _holes.Add(hole with { From = last + 1 });
            }
        }

        if (_highest is long highest && first > highest + 1)
        {
            _holes.Add(new SequenceHole(highest + 1, first - 1, now));
        }

        _highest = Math.Max(_highest ?? last, last);
    }

    /// <summary>Removes and returns the holes open longer than <paramref name="grace"/>: their events are lost.</summary>
    public IReadOnlyList<SequenceHole> TakeLost(DateTimeOffset now, TimeSpan grace)
    {
        var lost = _holes.Where(h => now - h.OpenedAt >= grace).OrderBy(h => h.From).ToList();
        _holes.RemoveAll(h => now - h.OpenedAt >= grace);
        return lost;
    }

    /// <summary>Opens again holes taken as lost whose incremental could not be started (the next flush tries again).</summary>
    public void Restore(IReadOnlyList<SequenceHole> holes)
    {
        ArgumentNullException.ThrowIfNull(holes);
        foreach (var hole in holes)
        {
            if (!_holes.Any(h => h.From <= hole.To && hole.From <= h.To))
            {
                _holes.Add(hole);
            }
        }
    }

    /// <summary>When the oldest open hole counts as lost, if any is open.</summary>
    public DateTimeOffset? NextDue(TimeSpan grace) => _holes.Count == 0 ? null : _holes.Min(h => h.OpenedAt) + grace;
}
