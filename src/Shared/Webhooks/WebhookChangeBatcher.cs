using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XeroSync.Ledger;
using XeroSync.Pipeline;

namespace XeroSync.Webhooks;

/// <summary>
/// Gathers webhook changes per (organisation, endpoint) for <see cref="WebhookOptions.Window"/> after the first, then
/// starts one targeted run for everything due (a zero window starts it at once, inside the request). A record is
/// read once per window however many events name it, and an event no newer than one already sent for reading (a
/// duplicate, or an older event delivered late) is not read again: the read that followed the newer event returned
/// a version at least as new. A hole in the event sequence still open after <see cref="WebhookOptions.GapGrace"/>
/// starts an incremental sync of the webhook endpoints: Xero numbers events per subscription, so a lost event names no
/// organisation or category. What was sent for reading and the sequence live in an <see cref="IWebhookStateStore"/>
/// (decided here, stored there atomically), so every instance sharing that store reads a record once and starts one
/// incremental per lost hole, across restarts too.
/// </summary>
public sealed partial class WebhookChangeBatcher : IWebhookSink, IAsyncDisposable
{
    /// <summary>Records claimed per store update (Firestore: one transaction's reads and writes).</summary>
    private const int ClaimChunk = 100;

    private readonly TargetedRunStarter _targeted;
    private readonly RunStarter _incremental;
    private readonly IWebhookStateStore _store;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookChangeBatcher> _logger;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _flushGate = new(1, 1);
    private readonly Dictionary<(string TenantId, string Endpoint), Pending> _pending = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly ITimer _timer;
    private DateTimeOffset? _holeDue;
    private int _disposed;

    public WebhookChangeBatcher(TargetedRunStarter targeted, RunStarter incremental, IWebhookStateStore store, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookChangeBatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _targeted = targeted;
        _incremental = incremental;
        _store = store;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _timer = time.CreateTimer(static state => ((WebhookChangeBatcher)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Called after each flush that started something (the CLI prints it; a caller may wait on it).</summary>
    public Func<WebhookBatch, CancellationToken, Task>? Started { get; set; }

    /// <summary>Events left out as already read (duplicates and late older events) since start.</summary>
    public int Duplicates { get; private set; }

    public async Task AcceptAsync(WebhookNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var now = _time.GetUtcNow();
        var counted = _options.DetectGaps && notification.FirstSequence > 0 && notification.LastSequence >= notification.FirstSequence;
        var arrived = _options.DetectQuiet
            ? notification.Changes.Select(c => (c.TenantId, c.Endpoint)).Distinct().ToList()
            : [];
        if (counted || arrived.Count > 0)
        {
            var due = await _store.UpdateSequenceAsync(
                state =>
                {
                    var gaps = new SequenceGaps(state);
                    if (counted)
                    {
                        gaps.Observe(notification.FirstSequence, notification.LastSequence, now);
                    }

                    var quiet = new QuietWatch(state.Activity);
                    foreach (var (tenant, endpoint) in arrived)
                    {
                        quiet.Observe(tenant, endpoint, now);
                    }

                    return (gaps.State with { Activity = quiet.Activity }, gaps.NextDue(_options.GapGrace));
                },
                cancellationToken);
            lock (_gate)
            {
                _holeDue = due;
            }
        }

        lock (_gate)
        {
            foreach (var change in notification.Changes)
            {
                if (!_pending.TryGetValue((change.TenantId, change.Endpoint), out var pending))
                {
                    _pending[(change.TenantId, change.Endpoint)] = pending = new Pending(now);
                }

                pending.Changes[change.RecordId] = pending.Changes.TryGetValue(change.RecordId, out var earlier) && earlier.ChangedAt >= change.ChangedAt ? earlier : change;
            }
        }

        if (_options.Window <= TimeSpan.Zero)
        {
            await FlushAsync(force: true, cancellationToken);
        }
        else
        {
            Arm();
        }
    }

    /// <summary>Starts what is due (everything when <paramref name="force"/>): the gathered changes' targeted run, and an incremental for lost events.</summary>
    public async Task<WebhookBatch?> FlushAsync(bool force, CancellationToken cancellationToken)
    {
        await _flushGate.WaitAsync(cancellationToken);
        try
        {
            List<RecordChange> changes;
            var now = _time.GetUtcNow();
            bool holeDue;
            lock (_gate)
            {
                var due = _pending.Where(p => force || now - p.Value.FirstSeen >= _options.Window).Select(p => p.Key).ToList();
                changes = [.. due.SelectMany(k => _pending[k].Changes.Values)];
                foreach (var key in due)
                {
                    _pending.Remove(key);
                }

                holeDue = _holeDue <= now;
            }

            StartedTargetedRun? targeted = null;
            List<RecordChange> claimed = [];
            if (changes.Count > 0)
            {
                Claim claim;
                try
                {
                    claim = await ClaimAsync(changes, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    Log.NotStarted(_logger, changes.Count, ex);
                    Requeue(changes, now);
                    throw;
                }

                claimed = claim.Changes;
                lock (_gate)
                {
                    Duplicates += changes.Count - claimed.Count;
                }

                if (claimed.Count > 0)
                {
                    try
                    {
                        targeted = await _targeted.StartAsync(claimed, cancellationToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        // Kept for the next flush: nothing gathered is dropped because Xero or the ledger was briefly unavailable.
                        Log.NotStarted(_logger, claimed.Count, ex);
                        await ReleaseAsync(claim);
                        Requeue(claimed, now);
                        throw;
                    }
                }
            }

            IReadOnlyList<SequenceHole> lost = [];
            if (_options.DetectGaps && holeDue)
            {
                (lost, var next) = await _store.UpdateSequenceAsync(
                    state =>
                    {
                        var gaps = new SequenceGaps(state);
                        var taken = gaps.TakeLost(now, _options.GapGrace);
                        return (gaps.State, (taken, gaps.NextDue(_options.GapGrace)));
                    },
                    cancellationToken);
                lock (_gate)
                {
                    _holeDue = next;
                }
            }

            StartedRun? incremental = null;
            if (lost.Count > 0)
            {
                Log.EventsLost(_logger, lost.Count, lost.Sum(h => h.To - h.From + 1), string.Join(", ", lost.Select(h => $"{h.From}-{h.To}")));
                try
                {
                    incremental = await _incremental.StartAsync(new RunRequest { Endpoints = [.. WebhookCategory.AllEndpoints.Select(e => e.Name)] }, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // The holes open again (already due), so the next flush here or on another instance starts it.
                    await _store.UpdateSequenceAsync(
                        state =>
                        {
                            var gaps = new SequenceGaps(state);
                            gaps.Restore(lost);
                            return (gaps.State, gaps.NextDue(_options.GapGrace));
                        },
                        CancellationToken.None);
                    lock (_gate)
                    {
                        _holeDue = now;
                    }

                    throw;
                }
            }

            if (targeted is null && incremental is null)
            {
                return null;
            }

            var batch = new WebhookBatch(targeted, claimed, incremental, lost);
            if (Started is { } started)
            {
                await started(batch, cancellationToken);
            }

            return batch;
        }
        finally
        {
            _flushGate.Release();
            Arm();
        }
    }

    /// <summary>
    /// Starts one incremental per organisation of its categories that have gone quiet for longer than expected
    /// (<see cref="QuietWatch"/>) and were not yet taken in this quiet spell (the run reads just those endpoints of just
    /// that organisation), through the same run path, permits and ledger as the incremental a lost event starts. Taking
    /// them is one store update, so of every instance checking at once one starts them; a run that cannot be started gives
    /// its categories back for the next check. The local listener calls this on a timer, the Dispatcher when Cloud
    /// Scheduler calls its quiet-check route.
    /// </summary>
    public async Task<WebhookBatch?> CheckQuietAsync(CancellationToken cancellationToken)
    {
        if (!_options.DetectQuiet)
        {
            return null;
        }

        var now = _time.GetUtcNow();
        var quiet = await _store.UpdateSequenceAsync(
            state =>
            {
                var watch = new QuietWatch(state.Activity);
                var taken = watch.TakeQuiet(now, _options);
                return (state with { Activity = watch.Activity }, taken);
            },
            cancellationToken);
        if (quiet.Count == 0)
        {
            return null;
        }

        var started = new List<QuietRun>();
        var notStarted = new List<CategoryActivity>();
        Exception? failure = null;
        // One run per organisation reads every category of it found quiet (TakeQuiet orders them by organisation, then endpoint).
        foreach (var organisation in quiet.GroupBy(c => c.TenantId, StringComparer.Ordinal))
        {
            var categories = organisation.Select(c => new QuietCategory(c, QuietWatch.Limit(c, _options)!.Value)).ToList();
            try
            {
                var run = await _incremental.StartAsync(new RunRequest { Tenants = [organisation.Key], Endpoints = [.. categories.Select(c => c.Activity.Endpoint)] }, cancellationToken);
                foreach (var (category, limit) in categories)
                {
                    Log.Quiet(_logger, category.TenantId, category.Endpoint, run.Run.RunId, (now - category.LastEvent).TotalSeconds, limit.TotalSeconds, category.UsualGap.TotalSeconds, category.Gaps);
                }

                started.Add(new QuietRun(organisation.Key, categories, run));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                foreach (var category in organisation)
                {
                    Log.QuietNotStarted(_logger, category.TenantId, category.Endpoint, ex);
                    notStarted.Add(category);
                }

                failure ??= ex;
            }
        }

        if (notStarted.Count > 0)
        {
            await _store.UpdateSequenceAsync(
                state =>
                {
                    var watch = new QuietWatch(state.Activity);
                    watch.Restore(notStarted);
                    return (state with { Activity = watch.Activity }, 0);
                },
                CancellationToken.None);
        }

        WebhookBatch? batch = started.Count == 0 ? null : new WebhookBatch(null, [], null, []) { Quiet = started };
        if (batch is not null && Started is { } notify)
        {
            await notify(batch, cancellationToken);
        }

        if (failure is not null)
        {
            throw failure;
        }

        return batch;
    }

    public async ValueTask DisposeAsync()
    {
        // The container may hold it twice (as itself and as the sink): the second call does nothing.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _timer.DisposeAsync();
        _stopping.Dispose();
    }

    private void OnTimer() => _ = FlushOnTimerAsync();

    private async Task FlushOnTimerAsync()
    {
        try
        {
            await FlushAsync(force: false, _stopping.Token);
        }
        catch (Exception ex) when (!_stopping.IsCancellationRequested)
        {
            // Logged where it failed; the changes are kept and the timer armed again.
            Log.FlushFailed(_logger, ex.GetType().Name);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private void Arm()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        DateTimeOffset? due;
        lock (_gate)
        {
            var batches = _pending.Count == 0 ? (DateTimeOffset?)null : _pending.Values.Min(p => p.FirstSeen) + _options.Window;
            var hole = _holeDue;
            due = batches is null ? hole : hole is null ? batches : batches < hole ? batches : hole;
        }

        if (due is { } at)
        {
            var wait = at - _time.GetUtcNow();
            _timer.Change(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, Timeout.InfiniteTimeSpan);
        }
    }

    private void Requeue(List<RecordChange> changes, DateTimeOffset now)
    {
        lock (_gate)
        {
            foreach (var change in changes)
            {
                if (!_pending.TryGetValue((change.TenantId, change.Endpoint), out var pending))
                {
                    _pending[(change.TenantId, change.Endpoint)] = pending = new Pending(now);
                }

                pending.Changes.TryAdd(change.RecordId, change);
            }
        }
    }

    /// <summary>
    /// Takes the changes newer than what was sent for reading of their records (in one step of the store, so a record
    /// another instance claimed meanwhile is a duplicate here) and records their event times.
    /// </summary>
    private async Task<Claim> ClaimAsync(List<RecordChange> changes, CancellationToken cancellationToken)
    {
        var claimed = new List<RecordChange>();
        var previous = new Dictionary<SentRecord, DateTimeOffset?>();
        // A record's decision is its own, so a large batch is claimed in chunks a store transaction holds.
        foreach (var chunk in changes.Chunk(ClaimChunk))
        {
            var part = await _store.UpdateSentAsync(
                [.. chunk.Select(Key)],
                sent =>
                {
                    var writes = new Dictionary<SentRecord, DateTimeOffset?>();
                    var taken = new List<(RecordChange Change, DateTimeOffset? Had)>();
                    foreach (var change in chunk)
                    {
                        var key = Key(change);
                        var had = sent.TryGetValue(key, out var upTo) ? upTo : (DateTimeOffset?)null;
                        if (had is { } last && change.ChangedAt <= last)
                        {
                            continue;
                        }

                        taken.Add((change, had));
                        writes[key] = change.ChangedAt;
                    }

                    return (writes, taken);
                },
                cancellationToken);
            foreach (var (change, had) in part)
            {
                claimed.Add(change);
                previous[Key(change)] = had;
            }
        }

        return new Claim(claimed, previous);
    }

    /// <summary>Gives back a claim whose run could not be started, where no newer claim replaced it, so a retried payload is read.</summary>
    private async Task ReleaseAsync(Claim claim)
    {
        try
        {
            foreach (var chunk in claim.Changes.Chunk(ClaimChunk))
            {
                await _store.UpdateSentAsync<int>(
                    [.. chunk.Select(Key)],
                    sent =>
                    {
                        var writes = new Dictionary<SentRecord, DateTimeOffset?>();
                        foreach (var change in chunk)
                        {
                            var key = Key(change);
                            if (sent.TryGetValue(key, out var upTo) && upTo == change.ChangedAt)
                            {
                                writes[key] = claim.Previous[key];
                            }
                        }

                        return (writes, writes.Count);
                    },
                    CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The records stay claimed: the scheduled incremental reads them.
            Log.NotReleased(_logger, claim.Changes.Count, ex.GetType().Name);
        }
    }

    private static SentRecord Key(RecordChange change) => new(change.TenantId, change.Endpoint, change.RecordId);

    private sealed record Claim(List<RecordChange> Changes, Dictionary<SentRecord, DateTimeOffset?> Previous);

    private sealed class Pending(DateTimeOffset firstSeen)
    {
        public DateTimeOffset FirstSeen { get; } = firstSeen;

        public Dictionary<string, RecordChange> Changes { get; } = new(StringComparer.Ordinal);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1120, Level = LogLevel.Error, Message = "Webhook changes ({Changes}) could not be started; kept for the next flush")]
        public static partial void NotStarted(ILogger logger, int changes, Exception exception);

        [LoggerMessage(EventId = 1121, Level = LogLevel.Warning, Message = "Webhook events lost: {Holes} holes in the sequence ({Events} events: {Ranges}); an incremental sync of the webhook endpoints reads what they named")]
        public static partial void EventsLost(ILogger logger, int holes, long events, string ranges);

        [LoggerMessage(EventId = 1124, Level = LogLevel.Information, Message = "Webhook category quiet: tenant {TenantId} {Endpoint} had no event for {QuietSeconds:F0} s, over its limit of {LimitSeconds:F0} s (usual gap {UsualGapSeconds:F0} s over {Gaps} gaps); incremental run {RunId} reads it")]
        public static partial void Quiet(ILogger logger, string tenantId, string endpoint, string runId, double quietSeconds, double limitSeconds, double usualGapSeconds, int gaps);

        [LoggerMessage(EventId = 1125, Level = LogLevel.Error, Message = "Webhook category quiet: tenant {TenantId} {Endpoint}: its incremental could not be started; the next check tries again")]
        public static partial void QuietNotStarted(ILogger logger, string tenantId, string endpoint, Exception exception);

        [LoggerMessage(EventId = 1123, Level = LogLevel.Warning, Message = "Webhook changes ({Changes}) not started and still marked as read ({Error}); the scheduled incremental reads them")]
        public static partial void NotReleased(ILogger logger, int changes, string error);

        [LoggerMessage(EventId = 1122, Level = LogLevel.Warning, Message = "Webhook flush failed ({Error}); retried at the next window")]
        public static partial void FlushFailed(ILogger logger, string error);
    }
}
