using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using XeroSync.Google;
using XeroSync.Google.Firestore;
using XeroSync.Xero;

namespace XeroSync.RateLimiting.Firestore;

/// <summary>
/// The cloud shape's limiter, shared by every Worker instance through Firestore, built so that Firestore never sees a
/// contended transaction and well under one document write per twenty Xero calls.
/// <para><b>Blocks.</b> A tenant's minute budget (<see cref="RateLimitOptions.PerMinute"/>, 60) is cut into
/// <see cref="RateLimitOptions.Concurrent"/> (5) blocks of slots (12 each). Block <c>k</c> is the document
/// <c>limits/{tenant}/blocks/{k}</c> with <c>holder</c>, <c>leaseUntilMicros</c> and <c>freeAtMicros[]</c> (per slot, the
/// instant from which it may carry its next call). An instance takes a block with one write (create-if-absent, or an
/// updateTime precondition on the document it read: a loser simply tries another block, nothing is retried on one hot
/// document), spends its slots locally for as long as it has work for the tenant, renews the lease with one write once
/// less than <see cref="RenewBefore"/> is left (one write per block every four minutes, about 48 calls), and releases it
/// (one write, with the real free times) after <see cref="IdleRelease"/> without demand or when the instance shuts down
/// (<see cref="DisposeAsync"/>). An instance that has work for the tenant and holds none of its blocks, all of them under
/// other instances' leases, asks for them in the tenant document (<c>wantedUntilMicros</c>, a blind <c>maximum</c>), unless
/// an ask already stands there (one write per tenant per <see cref="WantedFor"/> however many instances wait), and clears
/// its ask once it claims a block; an instance holding blocks without demand reads that document every
/// <see cref="IdleCheck"/> and releases them at once when they are asked for, so a delivery waits seconds for a block,
/// not the idle release, while blocks nobody asks for stay where they are.</para>
/// <para><b>Why no Xero minute window ever sees more than 60 calls, whatever its phase.</b> This is the in-process
/// <c>CallWindow</c> argument, per slot: a slot carries one call at a time; when its response arrives at <c>r</c> the slot
/// becomes free at <c>r + 60 s</c>. The call reached Xero no later than <c>r</c> and the slot's next call reaches Xero no
/// earlier than <c>r + 60 s</c>, so any two calls on one slot are at least 60 s apart at Xero and every 60-second interval
/// (in particular every fixed Xero window) holds at most one call per slot: at most 60. The free times travel with the
/// block: a release writes them; a holder never starts a call later than <c>leaseUntil − </c><see cref="Guard"/>, so when a
/// lease expires without a release (a crashed instance) the taker treats every slot as used at <c>leaseUntil</c> and frees
/// it at <c>leaseUntil + 60 s</c>. Assumptions: instance clocks agree, and request latency plus clock skew stay under
/// <see cref="Guard"/> (5 s).</para>
/// <para><b>In flight.</b> A block carries one call at a time, so at most <see cref="RateLimitOptions.Concurrent"/> calls
/// of a tenant are in flight across all instances — without any per-call write (lease documents per in-flight slot would
/// cost two writes per call).</para>
/// <para><b>Rate.</b> A slot turns over every <c>60 s + latency</c>, so a saturated tenant gets
/// <c>60 / (60 + latency)</c> of Xero's rate (≈ 99 % at 0.5 s).</para>
/// <para><b>Pauses and budgets.</b> <c>limits/{tenant}</c> holds <c>pausedUntilMicros</c> and <c>deferredUntilMicros</c>,
/// written with blind <c>maximum</c> transforms only when a 429 (or an exhausted day budget) moves them; every instance
/// re-reads it every <see cref="RefreshInterval"/> while it has demand (reads, not writes), with <c>limitsApp/app</c>, whose
/// <c>pausedUntilMicros</c> an AppMinute 429 moves the same way. A response whose <c>X-MinLimit-Remaining</c> is below the
/// number of this instance's free slots proves foreign usage (free slots have no call in Xero's current window): the excess
/// slots are marked used and the instance stops claiming for a minute.</para>
/// <para><b>The app-wide budget, the same argument.</b> <see cref="RateLimitOptions.AppPerMinute"/> (10,000) app slots are
/// spread over <see cref="AppBlockCount"/> (64) app block documents <c>limitsApp/app/blocks/{k}</c>, each with
/// <c>holder</c>, <c>leaseUntilMicros</c>, <c>freeAtMicros[]</c> and the holder's <c>demand</c>, claimed, renewed and
/// released exactly like tenant blocks (updateTime preconditions, lease, <see cref="Guard"/>, crash rule). A call needs a
/// free tenant slot and a free app slot held by this instance; both become free at response + 60 s, so no 60-second
/// interval holds more than AppPerMinute calls of the app, whatever its phase. An instance's demand is the tenant slots it
/// holds; every <see cref="AppRefreshInterval"/> while it has demand (sooner, but not within <see cref="AppRefreshMin"/>,
/// when that demand moved by more than a tenant block or a tenth) it reads all app blocks (one batchGet), and from the
/// demand the live holders published works out its share: what it needs if everyone's need fits, otherwise the blocks
/// less one shared in proportion to demand (one stays free so an instance holding none can take one and be seen). It
/// claims up to its share, drains and releases what is above it, and renews what it keeps once less than
/// <see cref="AppRenewBefore"/> is left of its <see cref="AppLeaseTtl"/> (one write per block every eight minutes, carrying
/// its demand; a dead instance's app block, one 64th of the budget, is out of use for up to eleven minutes). Within an instance, a tenant block may take an app slot while its slots used in
/// the last minute are under its part of the instance's app slots (spread evenly over the tenant blocks held here), so
/// each tenant's rate is proportional to its blocks. Cost: with the app saturated, 64 app block writes per eight minutes
/// for the whole app; with few tenants, one app block per instance.</para>
/// <para><b>Takeover.</b> A block released by a live instance (idle, or shut down) is taken at once with its real free
/// times. A crashed instance's blocks are taken when its lease has lapsed, each slot free at <c>leaseUntil + 60 s</c>, so
/// a tenant block is back in use at most six minutes after a crash: the price of renewing once per 48 calls rather than
/// once per 12.</para>
/// </summary>
public sealed partial class FirestoreRateLimiter : IRateLimiter, IDisposable, IAsyncDisposable
{
    /// <summary>A tenant block lease's length; renewed when less than <see cref="RenewBefore"/> is left.</summary>
    public static readonly TimeSpan LeaseTtl = TimeSpan.FromMinutes(5);

    /// <summary>A held tenant block is renewed (one write) once less than this is left of its lease.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(1);

    /// <summary>An app block lease's length; renewed when less than <see cref="AppRenewBefore"/> is left.</summary>
    public static readonly TimeSpan AppLeaseTtl = TimeSpan.FromMinutes(10);

    /// <summary>A held app block is renewed (one write) once less than this is left of its lease.</summary>
    public static readonly TimeSpan AppRenewBefore = TimeSpan.FromMinutes(2);

    /// <summary>No call starts later than this before the lease ends (covers latency and clock skew).</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(5);

    /// <summary>How often an instance with demand re-reads the tenant and app documents.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);

    /// <summary>Pause between failed block claims of one tenant on one instance.</summary>
    public static readonly TimeSpan ClaimRetry = TimeSpan.FromSeconds(1);

    /// <summary>A tenant's blocks are released after this long without demand for it on its instance.</summary>
    public static readonly TimeSpan IdleRelease = TimeSpan.FromSeconds(20);

    /// <summary>Before <see cref="IdleRelease"/>, an instance holding a tenant's blocks without demand looks this often whether another instance wants them.</summary>
    public static readonly TimeSpan IdleCheck = TimeSpan.FromSeconds(2);

    /// <summary>How long an ask for a tenant's blocks stands unless its asker claims one first (then asked again if still needed).</summary>
    public static readonly TimeSpan WantedFor = TimeSpan.FromMinutes(5);

    /// <summary>How often an instance with demand re-reads the app blocks (its share) while its demand holds still.</summary>
    public static readonly TimeSpan AppRefreshInterval = TimeSpan.FromSeconds(30);

    /// <summary>The soonest an instance re-reads the app blocks again after its demand moved.</summary>
    public static readonly TimeSpan AppRefreshMin = TimeSpan.FromSeconds(5);

    /// <summary>How long shutting down may spend releasing blocks (Cloud Run allows 10 s after SIGTERM).</summary>
    public static readonly TimeSpan ShutdownRelease = TimeSpan.FromSeconds(5);

    /// <summary>The app-wide minute budget's slots are spread over this many block documents (fewer if the budget is smaller).</summary>
    public const int AppBlockCount = 64;

    private const int MaxAppClaimsPerRefresh = 16;
    private const string WantedField = "wantedUntilMicros";
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan ClaimHorizon = TimeSpan.FromSeconds(5);

    private readonly FirestoreClient _client;
    private readonly RateLimitOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<FirestoreRateLimiter> _logger;
    private readonly string _limits;
    private readonly string _app;
    private readonly ConcurrentDictionary<string, TenantLimits> _tenants = new(StringComparer.Ordinal);
    private readonly object _appGate = new();
    private readonly Dictionary<int, AppBlock> _appBlocks = [];
    private DateTimeOffset _appPausedUntil;
    private DateTimeOffset _appRefreshedAt = DateTimeOffset.MinValue;
    private DateTimeOffset _appNextClaimAt;
    private int _appTarget;
    private int _publishedDemand;
    private int _appSlotsHeld;
    private int _appRefreshing;
    private int _tenantBlockCount;
    private bool _disposed;

    /// <param name="collectionPrefix">Prefix of the top-level collections (test isolation); empty in production.</param>
    /// <param name="instanceId">This instance's holder name in block documents; a new GUID when null.</param>
    public FirestoreRateLimiter(
        FirestoreClient client,
        IOptions<RateLimitOptions> options,
        TimeProvider time,
        ILogger<FirestoreRateLimiter> logger,
        string collectionPrefix = "",
        string? instanceId = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(collectionPrefix);
        _client = client;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _limits = collectionPrefix + "limits";
        _app = collectionPrefix + "limitsApp/app";
        InstanceId = instanceId ?? Guid.NewGuid().ToString("N");
    }

    public string InstanceId { get; }

    public async ValueTask<XeroPermit> AcquireAsync(string tenantId, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var state = _tenants.GetOrAdd(tenantId, t => new TenantLimits(t));
        var start = _time.GetUtcNow();
        var deadline = maxWait == Timeout.InfiniteTimeSpan || maxWait == TimeSpan.MaxValue ? DateTimeOffset.MaxValue : start + maxWait;
        lock (state.Gate)
        {
            state.Waiters++;
            state.LastDemand = start;
        }

        var why = PermitWaitReason.None;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var now = _time.GetUtcNow();
                if (now > deadline)
                {
                    // Reads and claims (Firestore round trips) took the caller past its deadline.
                    return XeroPermit.Denied(PermitDenial.WaitTooLong, null, why);
                }

                if (now - state.RefreshedAt >= RefreshInterval)
                {
                    await RefreshAsync(state, now, cancellationToken);
                }

                if (Volatile.Read(ref _tenantBlockCount) > 0 && AppRefreshDue(now))
                {
                    await RefreshAppAsync(now, cancellationToken);
                }

                TimeSpan wait;
                HeldBlock? toRenew = null;
                var mayClaim = false;
                var mayClaimApp = false;
                lock (state.Gate)
                {
                    // A deferral that began after the count was read and has ended: the day has reset. A count spent
                    // without a deferral (calls of this instance still in flight) waits for them instead.
                    if (state.DeferredUntil <= now && state.DeferredUntil > state.DayObservedAt && state.DayRemaining is <= 0)
                    {
                        state.DayRemaining = null;
                        state.DayRaw = null;
                        state.Subtracted.Clear();
                    }

                    // A day reset close at hand is waited for like a 429's pause; a later one defers the organisation.
                    var dayPaused = DateTimeOffset.MinValue;
                    if (state.DeferredUntil > now)
                    {
                        if (_options.DayWait(state.DeferredUntil, now) is null)
                        {
                            return XeroPermit.Denied(PermitDenial.DayLimit, state.DeferredUntil);
                        }

                        dayPaused = state.DeferredUntil;
                    }

                    var paused = Later(Later(state.PausedUntil, AppPausedUntil()), dayPaused);
                    if (paused > now)
                    {
                        wait = paused - now;
                        why = PermitWaitReason.Paused;
                    }
                    else
                    {
                        var permit = TryGrant(state, now, out wait, out toRenew, out var appShort, out why);
                        if (permit is not null)
                        {
                            return permit;
                        }

                        mayClaimApp = toRenew is null && appShort && MayClaimApp(now);

                        mayClaim = toRenew is null && state.Blocks.Count < _options.Concurrent && now >= state.NextClaimAt;
                        if (toRenew is null && state.Blocks.Count < _options.Concurrent)
                        {
                            wait = Min(wait, Later(state.NextClaimAt, now) - now + (now >= state.NextClaimAt ? ClaimRetry : TimeSpan.Zero));
                        }
                    }
                }

                if (toRenew is not null)
                {
                    await WriteBlockAsync(state, toRenew, release: false, cancellationToken);
                    continue;
                }

                if (mayClaim && await TryClaimAsync(state, now, deadline, cancellationToken))
                {
                    continue;
                }

                if (mayClaim)
                {
                    await AskForBlocksAsync(state, now, cancellationToken);
                }

                if (mayClaimApp && await RefreshAppAsync(now, cancellationToken))
                {
                    continue;
                }

                if (deadline != DateTimeOffset.MaxValue && now + wait > deadline)
                {
                    return XeroPermit.Denied(PermitDenial.WaitTooLong, now + wait, why);
                }

                await Task.Delay(Min(wait, Window), _time, cancellationToken);
            }
        }
        finally
        {
            lock (state.Gate)
            {
                state.Waiters--;
            }
        }
    }

    public ValueTask ObserveAsync(string tenantId, RateLimitObservation observation, CancellationToken cancellationToken) =>
        ObserveAsync(tenantId, observation, null, cancellationToken);

    /// <summary>What a response said; <paramref name="permit"/>: the number of this instance's permit it answers, when known.</summary>
    private async ValueTask ObserveAsync(string tenantId, RateLimitObservation observation, long? permit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(observation);
        var state = _tenants.GetOrAdd(tenantId, t => new TenantLimits(t));
        var at = observation.At;
        var atMicros = FirestoreDocumentId.ToMicros(at);
        var usedUntil = FirestoreDocumentId.ToMicros(at + Window);
        var tenantTransforms = new List<FirestoreFieldTransform>();
        lock (state.Gate)
        {
            if (observation.MinuteRemaining is int remaining)
            {
                var free = state.Blocks.Values.SelectMany(b => Enumerable.Range(0, b.FreeAtMicros.Length).Where(i => b.FreeAtMicros[i] <= atMicros).Select(i => (Block: b, Slot: i))).ToList();
                if (remaining < free.Count)
                {
                    // Free slots have no call in Xero's current window; fewer remaining than that is someone else's usage.
                    foreach (var (block, slot) in free.Take(free.Count - remaining))
                    {
                        block.FreeAtMicros[slot] = usedUntil;
                    }

                    state.NextClaimAt = Later(state.NextClaimAt, at + Window);
                    LogForeignUsage(tenantId, remaining, free.Count);
                }
            }

            if (permit is long answered)
            {
                state.SentUnanswered.Remove(answered);
            }

            if (observation.DayRemaining is int dayRemaining)
            {
                // A day 429's Retry-After says when the day resets; only a count at zero without one needs the fallback.
                var resetKnown = observation.Problem == RateLimitProblem.Day && observation.RetryAfter is not null;
                ApplyDayAnswer(state, dayRemaining, permit, at, resetKnown, tenantTransforms);
            }

            switch (observation.Problem)
            {
                case RateLimitProblem.Minute:
                    foreach (var block in state.Blocks.Values)
                    {
                        for (var i = 0; i < block.FreeAtMicros.Length; i++)
                        {
                            if (block.FreeAtMicros[i] != HeldBlock.InFlightMarker)
                            {
                                block.FreeAtMicros[i] = Math.Max(block.FreeAtMicros[i], usedUntil);
                            }
                        }
                    }

                    Pause(state, at + (observation.RetryAfter ?? _options.FallbackRetryAfter), tenantTransforms);
                    break;
                case RateLimitProblem.Day:
                    Defer(state, at + (observation.RetryAfter ?? TimeSpan.FromHours(1)), tenantTransforms);
                    break;
                case RateLimitProblem.Concurrent:
                    Pause(state, at + (observation.RetryAfter ?? Jittered(_options.ConcurrentBackoff)), tenantTransforms);
                    break;
                case RateLimitProblem.Unknown:
                    Pause(state, at + (observation.RetryAfter ?? Jittered(TimeSpan.FromSeconds(5))), tenantTransforms);
                    break;
                case RateLimitProblem.AppMinute:
                case RateLimitProblem.None:
                default:
                    break;
            }
        }

        var writes = new List<FirestoreWrite>();
        if (tenantTransforms.Count > 0)
        {
            writes.Add(FirestoreWrite.Transform(TenantDoc(tenantId), tenantTransforms));
        }

        if (observation.Problem == RateLimitProblem.AppMinute)
        {
            var until = at + (observation.RetryAfter ?? _options.FallbackRetryAfter);
            lock (_appGate)
            {
                _appPausedUntil = Later(_appPausedUntil, until);
            }

            writes.Add(FirestoreWrite.Transform(_app, [FirestoreFieldTransform.MaximumOf("pausedUntilMicros", FirestoreValue.FromInteger(FirestoreDocumentId.ToMicros(until)))]));
        }

        if (observation.Problem != RateLimitProblem.None)
        {
            LogThrottled(tenantId, observation.Problem, observation.RetryAfter?.TotalSeconds ?? -1);
        }

        if (writes.Count > 0)
        {
            await _client.CommitAsync(writes, cancellationToken: cancellationToken);
        }
    }

    /// <summary>Releases every tenant and app block this instance holds that has no call in flight (call on shutdown).</summary>
    public async Task ReleaseAllAsync(CancellationToken cancellationToken)
    {
        foreach (var state in _tenants.Values)
        {
            foreach (var block in TakeIdleBlocks(state, force: true))
            {
                await WriteBlockAsync(state, block, release: true, cancellationToken);
            }
        }

        await ReleaseAppBlocksAsync(cancellationToken);
    }

    /// <summary>
    /// Shutting down: releases the blocks with no call in flight (their real free times let another instance take them at
    /// once instead of after the lease and the crash rule), at most <see cref="ShutdownRelease"/>, then stops.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            using var timeout = new CancellationTokenSource(ShutdownRelease, _time);
            try
            {
                await ReleaseAllAsync(timeout.Token);
            }
            catch (Exception e) when (e is HttpRequestException or GoogleApiException or OperationCanceledException or FirestoreAbortedException)
            {
                LogShutdownReleaseFailed(e);
            }
        }

        Dispose();
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (var state in _tenants.Values)
        {
            lock (state.Gate)
            {
                state.IdleTimer?.Dispose();
                state.IdleTimer = null;
            }
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>Until when an ask for the tenant's blocks stands in its document (MinValue: none, or cleared).</summary>
    private static DateTimeOffset WantedUntil(FirestoreDocument? tenant) =>
        tenant?.Field(WantedField)?.AsInteger() is { } until ? FirestoreDocumentId.FromMicros(until) : DateTimeOffset.MinValue;

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static TimeSpan Jittered(TimeSpan delay) =>
        delay + TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)Math.Max(1, delay.TotalMilliseconds / 2)));

    /// <summary>
    /// Takes in Xero's X-DayLimit-Remaining from the answer to <paramref name="permit"/> (the rule of the local limiter's
    /// call history). Xero counted the calls it had received: the count is its number less this instance's permits sent
    /// and not yet answered (they may not be in it) and those not sent yet. An answer read late (<see cref="DayAnswer"/>)
    /// is from a call Xero counted earlier: if that call was taken off the lower one's count, it is given back.
    /// </summary>
    private static void ApplyDayAnswer(TenantLimits state, int dayRemaining, long? permit, DateTimeOffset at, bool resetKnown, List<FirestoreFieldTransform> transforms)
    {
        if (DayAnswer.IsReadLate(state.DayRaw, state.DayRawAt, dayRemaining, at))
        {
            if (permit is long given && state.Subtracted.Remove(given) && state.DayRemaining is int current)
            {
                state.DayRemaining = current + 1;
            }

            return;
        }

        state.Subtracted.Clear();
        state.Subtracted.UnionWith(state.SentUnanswered);
        state.DayRemaining = dayRemaining - state.Unsent - state.Subtracted.Count;
        state.DayObservedAt = at;
        state.DayRaw = dayRemaining;
        state.DayRawAt = at;
        if (dayRemaining <= 0 && !resetKnown)
        {
            Defer(state, at + TimeSpan.FromHours(1), transforms);
        }
    }

    private static void Pause(TenantLimits state, DateTimeOffset until, List<FirestoreFieldTransform> transforms)
    {
        if (until > state.PausedUntil)
        {
            state.PausedUntil = until;
            transforms.Add(FirestoreFieldTransform.MaximumOf("pausedUntilMicros", FirestoreValue.FromInteger(FirestoreDocumentId.ToMicros(until))));
        }
    }

    private static void Defer(TenantLimits state, DateTimeOffset until, List<FirestoreFieldTransform> transforms)
    {
        // Written only when it moves the known deferral noticeably: a burst of day 429s costs one write.
        if (until > state.DeferredUntil + TimeSpan.FromMinutes(1))
        {
            transforms.Add(FirestoreFieldTransform.MaximumOf("deferredUntilMicros", FirestoreValue.FromInteger(FirestoreDocumentId.ToMicros(until))));
        }

        state.DeferredUntil = Later(state.DeferredUntil, until);
    }

    private DateTimeOffset AppPausedUntil()
    {
        lock (_appGate)
        {
            return _appPausedUntil;
        }
    }

    /// <summary>Slots of block <paramref name="index"/>: the minute budget spread over the blocks.</summary>
    private int SlotsOf(int index) => (_options.PerMinute / _options.Concurrent) + (index < _options.PerMinute % _options.Concurrent ? 1 : 0);

    /// <summary>Under the tenant's gate: a permit from a held block, or how long to wait (and maybe a block to renew first).</summary>
    private XeroPermit? TryGrant(TenantLimits state, DateTimeOffset now, out TimeSpan wait, out HeldBlock? toRenew, out bool appShort, out PermitWaitReason why)
    {
        toRenew = null;
        appShort = false;
        wait = TimeSpan.MaxValue;
        why = PermitWaitReason.HeldElsewhere;
        var nowMicros = FirestoreDocumentId.ToMicros(now);
        void Until(TimeSpan candidate, PermitWaitReason reason, ref TimeSpan soonest, ref PermitWaitReason soonestWhy)
        {
            if (candidate < soonest)
            {
                (soonest, soonestWhy) = (candidate, reason);
            }
        }

        foreach (var block in state.Blocks.Values.ToList())
        {
            if (block.Writing || block.InFlight)
            {
                Until(Poll, PermitWaitReason.InFlight, ref wait, ref why);
                continue;
            }

            if (now >= block.LeaseUntil - Guard)
            {
                // Lapsed (renewal failed or never needed): others take it over once it expires.
                RemoveBlock(state, block.Index);
                continue;
            }

            var slot = block.FreeSlot(nowMicros, out var nextFree);
            if (slot < 0)
            {
                Until(FirestoreDocumentId.FromMicros(nextFree) - now, PermitWaitReason.MinuteBudget, ref wait, ref why);
                continue;
            }

            if (block.LeaseUntil - now < RenewBefore)
            {
                block.Writing = true;
                toRenew = block;
                return null;
            }

            if (state.DayRemaining is <= 0)
            {
                if (state.Held > 0 && state.DeferredUntil <= now)
                {
                    // Spent only by this instance's count while its calls are in flight: a permit not sent may yet be
                    // given back, and their answers say what is left. Wait for them rather than defer the day.
                    Until(Poll, PermitWaitReason.InFlight, ref wait, ref why);
                    return null;
                }

                state.DeferredUntil = Later(state.DeferredUntil, now + TimeSpan.FromHours(1));
                return XeroPermit.Denied(PermitDenial.DayLimit, state.DeferredUntil);
            }

            if (!TryTakeAppSlot(state.TenantId, block, now, out var app, out var appSlot, out var appWait))
            {
                Until(appWait, PermitWaitReason.AppBudget, ref wait, ref why);
                appShort = true;
                continue;
            }

            if (state.DayRemaining is int remaining)
            {
                state.DayRemaining = remaining - 1;
            }

            block.FreeAtMicros[slot] = HeldBlock.InFlightMarker;
            block.InFlight = true;
            state.Held++;
            state.Unsent++;
            var number = ++state.NextPermit;
            var sent = 0;
            return XeroPermit.Granted(
                () => Complete(state, number, block, slot, app, appSlot, used: true, Interlocked.Exchange(ref sent, 1) == 0),
                () => Complete(state, number, block, slot, app, appSlot, used: false, Interlocked.Exchange(ref sent, 1) == 0),
                () =>
                {
                    if (Interlocked.Exchange(ref sent, 1) == 0)
                    {
                        lock (state.Gate)
                        {
                            state.Unsent--;
                            state.SentUnanswered.Add(number);
                        }
                    }

                    return ValueTask.CompletedTask;
                },
                (observation, ct) => ObserveAsync(state.TenantId, observation, number, ct));
        }

        if (state.Blocks.Count == 0)
        {
            wait = Min(wait, ClaimRetry);
        }

        return null;
    }

    /// <summary>
    /// Ends a permit: a call made holds its slots for a minute more; a permit given back unused frees them now and gives
    /// its day count back. <paramref name="unsent"/>: its request was never said to go out.
    /// </summary>
    private ValueTask Complete(TenantLimits state, long number, HeldBlock block, int slot, AppBlock app, int appSlot, bool used, bool unsent)
    {
        var now = _time.GetUtcNow();
        var freeAt = FirestoreDocumentId.ToMicros(used ? now + Window : now);
        lock (_appGate)
        {
            app.FreeAtMicros[appSlot] = freeAt;
            app.InFlight--;
        }

        lock (state.Gate)
        {
            block.FreeAtMicros[slot] = freeAt;
            block.InFlight = false;
            state.Held--;
            state.Unsent -= unsent ? 1 : 0;
            state.SentUnanswered.Remove(number);
            if (!used && state.DayRemaining is int remaining)
            {
                state.DayRemaining = remaining + 1;
            }

            if (!_disposed)
            {
                if (state.IdleTimer is null)
                {
                    state.IdleTimer = _time.CreateTimer(s => _ = ReleaseIdleAsync((TenantLimits)s!), state, IdleCheck, Timeout.InfiniteTimeSpan);
                }
                else
                {
                    state.IdleTimer.Change(IdleCheck, Timeout.InfiniteTimeSpan);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    private async Task ReleaseIdleAsync(TenantLimits state)
    {
        try
        {
            var blocks = TakeIdleBlocks(state, force: false);
            if (blocks.Count == 0 && await IdleAndWantedAsync(state))
            {
                blocks = TakeIdleBlocks(state, force: false, wanted: true);
            }

            foreach (var block in blocks)
            {
                await WriteBlockAsync(state, block, release: true, CancellationToken.None);
            }

            if (Volatile.Read(ref _tenantBlockCount) == 0)
            {
                await ReleaseAppBlocksAsync(CancellationToken.None);
            }
        }
        catch (Exception e) when (e is HttpRequestException or GoogleApiException or TaskCanceledException or FirestoreAbortedException)
        {
            LogReleaseFailed(state.TenantId, e);
        }
    }

    /// <summary>
    /// Held blocks without a call in flight, marked as being written: all of them when <paramref name="force"/>d (shutdown);
    /// otherwise only without demand here for <see cref="IdleRelease"/>, or for <see cref="IdleCheck"/> when another instance asked for them.
    /// </summary>
    private List<HeldBlock> TakeIdleBlocks(TenantLimits state, bool force, bool wanted = false)
    {
        var now = _time.GetUtcNow();
        lock (state.Gate)
        {
            if (!force && (state.Waiters > 0 || now - state.LastDemand < (wanted ? IdleCheck : IdleRelease)))
            {
                return [];
            }

            var idle = state.Blocks.Values.Where(b => !b.InFlight && !b.Writing).ToList();
            foreach (var block in idle)
            {
                block.Writing = true;
            }

            return idle;
        }
    }

    /// <summary>
    /// Between idle checks: true when this instance holds blocks of the tenant without demand and another instance asked for
    /// them (one read of the tenant document). Otherwise the next check is scheduled, up to the idle release.
    /// </summary>
    private async Task<bool> IdleAndWantedAsync(TenantLimits state)
    {
        var now = _time.GetUtcNow();
        lock (state.Gate)
        {
            if (_disposed || state.Waiters > 0 || state.Blocks.Count == 0)
            {
                // Nothing held, or a caller is waiting here: a call's end re-arms the timer.
                return false;
            }

            if (now - state.LastDemand < IdleCheck)
            {
                state.IdleTimer?.Change(IdleCheck - (now - state.LastDemand), Timeout.InfiniteTimeSpan);
                return false;
            }

            // Past the idle release with nothing taken: its blocks are in flight or being written; the call's end re-arms the timer.
            var left = IdleRelease - (now - state.LastDemand);
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            state.IdleTimer?.Change(Min(left, IdleCheck), Timeout.InfiniteTimeSpan);
        }

        var tenant = (await _client.BatchGetAsync([TenantDoc(state.TenantId)], cancellationToken: CancellationToken.None))[0].Document;
        return WantedUntil(tenant) > now;
    }

    /// <summary>
    /// No block could be claimed and this instance holds none while other instances' leases hold them: asks for them in the
    /// tenant document (a blind maximum), unless an ask already stands there (read first) or here. Their holders release them
    /// at their next idle check if they have no demand.
    /// </summary>
    private async Task AskForBlocksAsync(TenantLimits state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var until = now + WantedFor;
        lock (state.Gate)
        {
            if (state.Blocks.Count > 0 || !state.HeldElsewhere || state.OwnWantUntil > now || state.WantedUntil > now)
            {
                return;
            }

        }

        // Read just before asking: another waiting instance's ask may already stand (instances refresh only every few seconds).
        var tenant = (await _client.BatchGetAsync([TenantDoc(state.TenantId)], cancellationToken: cancellationToken))[0].Document;
        if (WantedUntil(tenant) is var standing && standing > now)
        {
            lock (state.Gate)
            {
                state.WantedUntil = standing;
            }

            return;
        }

        lock (state.Gate)
        {
            state.OwnWantUntil = until;
            state.WantedUntil = until;
        }

        await _client.CommitAsync(
            [FirestoreWrite.Transform(TenantDoc(state.TenantId), [FirestoreFieldTransform.MaximumOf(WantedField, FirestoreValue.FromInteger(FirestoreDocumentId.ToMicros(until)))])],
            cancellationToken: cancellationToken);
        LogBlocksWanted(state.TenantId);
    }

    /// <summary>Renews (or releases) a held block with one updateTime-guarded write.</summary>
    private async Task WriteBlockAsync(TenantLimits state, HeldBlock block, bool release, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        long[] freeAt;
        lock (state.Gate)
        {
            freeAt = [.. block.FreeAtMicros];
        }

        var leaseUntil = release ? now : now + LeaseTtl;
        var writes = new List<FirestoreWrite>
        {
            FirestoreWrite.Set(BlockDoc(state.TenantId, block.Index), BlockFields(release ? string.Empty : InstanceId, leaseUntil, freeAt), FirestorePrecondition.UpdatedAt(block.UpdateTime)),
        };

        try
        {
            var result = await _client.CommitAsync(writes, cancellationToken: cancellationToken);
            lock (state.Gate)
            {
                block.Writing = false;
                if (release)
                {
                    RemoveBlock(state, block.Index);
                }
                else
                {
                    block.LeaseUntil = leaseUntil;
                    block.UpdateTime = result.WriteResults![0].UpdateTime!;
                }
            }
        }
        catch (Exception e) when (e is FirestorePreconditionFailedException or FirestoreAbortedException or FirestoreAlreadyExistsException)
        {
            // Someone else took the block (our lease had lapsed): it is theirs now.
            LogBlockLost(state.TenantId, block.Index);
            lock (state.Gate)
            {
                block.Writing = false;
                RemoveBlock(state, block.Index);
            }
        }
        catch
        {
            lock (state.Gate)
            {
                block.Writing = false;
            }

            throw;
        }
    }

    private async Task<bool> TryClaimAsync(TenantLimits state, DateTimeOffset now, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        HashSet<int> held;
        lock (state.Gate)
        {
            held = [.. state.Blocks.Keys];
        }

        var indexes = Enumerable.Range(0, _options.Concurrent).Where(k => !held.Contains(k)).ToList();
        var snapshots = await _client.BatchGetAsync([.. indexes.Select(k => BlockDoc(state.TenantId, k))], cancellationToken: cancellationToken);
        var horizon = FirestoreDocumentId.ToMicros(deadline < now + ClaimHorizon ? deadline : now + ClaimHorizon);
        var nowMicros = FirestoreDocumentId.ToMicros(now);
        var candidates = new List<(int Index, long[] FreeAt, FirestorePrecondition Precondition, long Earliest)>();
        var heldElsewhere = false;
        for (var i = 0; i < indexes.Count; i++)
        {
            var k = indexes[i];
            var freeAt = new long[SlotsOf(k)];
            FirestorePrecondition precondition;
            if (snapshots[i].Document is { } document)
            {
                var holder = document.Field("holder")?.StringValue ?? string.Empty;
                var leaseUntil = document.Field("leaseUntilMicros")?.AsInteger() ?? 0;
                if (holder.Length > 0 && holder != InstanceId && leaseUntil > nowMicros)
                {
                    heldElsewhere = true;
                    continue;
                }

                var stored = document.Field("freeAtMicros")?.ArrayValue?.Values ?? [];
                for (var s = 0; s < freeAt.Length; s++)
                {
                    freeAt[s] = s < stored.Count ? stored[s].AsInteger() ?? 0 : 0;

                    // Not released: every slot counts as used at the lease's end.
                    if (holder.Length > 0)
                    {
                        freeAt[s] = Math.Max(freeAt[s], leaseUntil + (Window.Ticks / 10));
                    }
                }

                precondition = FirestorePrecondition.UpdatedAt(document.UpdateTime!);
            }
            else
            {
                precondition = FirestorePrecondition.MustNotExist;
            }

            var earliest = freeAt.Min();
            if (earliest <= horizon)
            {
                candidates.Add((k, freeAt, precondition, earliest));
            }
        }

        // Soonest-usable first; ties shuffled so instances spread over blocks instead of racing for one.
        foreach (var candidate in candidates.OrderBy(c => c.Earliest).ThenBy(_ => Random.Shared.Next()).Take(2))
        {
            var leaseUntil = now + LeaseTtl;
            try
            {
                var result = await _client.CommitAsync(
                    [FirestoreWrite.Set(BlockDoc(state.TenantId, candidate.Index), BlockFields(InstanceId, leaseUntil, candidate.FreeAt), candidate.Precondition)],
                    cancellationToken: cancellationToken);
                bool asked;
                lock (state.Gate)
                {
                    state.Blocks.Add(candidate.Index, new HeldBlock(candidate.Index, candidate.FreeAt, leaseUntil, result.WriteResults![0].UpdateTime!, now));
                    Interlocked.Increment(ref _tenantBlockCount);
                    state.NextClaimAt = now;
                    asked = state.OwnWantUntil > now;
                    state.OwnWantUntil = DateTimeOffset.MinValue;
                }

                if (asked)
                {
                    // Its ask is answered: holders stop releasing for it (another instance still waiting asks again).
                    await _client.CommitAsync(
                        [FirestoreWrite.Merge(TenantDoc(state.TenantId), new Dictionary<string, FirestoreValue> { [WantedField] = FirestoreValue.FromInteger(0) })],
                        cancellationToken: cancellationToken);
                    lock (state.Gate)
                    {
                        state.WantedUntil = DateTimeOffset.MinValue;
                    }
                }

                return true;
            }
            catch (Exception e) when (e is FirestoreAlreadyExistsException or FirestorePreconditionFailedException or FirestoreAbortedException)
            {
                // Another instance took it first: try the next one.
            }
        }

        lock (state.Gate)
        {
            state.NextClaimAt = Later(state.NextClaimAt, now + ClaimRetry);
            state.HeldElsewhere = heldElsewhere;
        }

        return false;
    }

    private async Task RefreshAsync(TenantLimits state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var snapshots = await _client.BatchGetAsync([TenantDoc(state.TenantId), _app], cancellationToken: cancellationToken);
        lock (state.Gate)
        {
            state.RefreshedAt = now;
            if (snapshots[0].Document is { } tenant)
            {
                if (tenant.Field("pausedUntilMicros")?.AsInteger() is { } paused)
                {
                    state.PausedUntil = Later(state.PausedUntil, FirestoreDocumentId.FromMicros(paused));
                }

                if (tenant.Field("deferredUntilMicros")?.AsInteger() is { } deferred)
                {
                    state.DeferredUntil = Later(state.DeferredUntil, FirestoreDocumentId.FromMicros(deferred));
                }

                state.WantedUntil = WantedUntil(tenant);
            }
        }

        lock (_appGate)
        {
            if (snapshots[1].Document?.Field("pausedUntilMicros")?.AsInteger() is { } appPaused)
            {
                _appPausedUntil = Later(_appPausedUntil, FirestoreDocumentId.FromMicros(appPaused));
            }
        }
    }

    private void RemoveBlock(TenantLimits state, int index)
    {
        if (state.Blocks.Remove(index))
        {
            Interlocked.Decrement(ref _tenantBlockCount);
        }
    }

    /// <summary>
    /// The app blocks are re-read every <see cref="AppRefreshInterval"/>, or after <see cref="AppRefreshMin"/> once the
    /// tenant slots held here moved by more than a tenant block or a tenth from the demand last published.
    /// </summary>
    private bool AppRefreshDue(DateTimeOffset now)
    {
        var demand = Volatile.Read(ref _tenantBlockCount) * SlotsOf(0);
        lock (_appGate)
        {
            var since = now - _appRefreshedAt;
            return since >= AppRefreshInterval
                || (since >= AppRefreshMin && Math.Abs(demand - _publishedDemand) > Math.Max(SlotsOf(0), _publishedDemand / 10));
        }
    }

    /// <summary>Below this instance's share of app blocks (at least one) and not just failed to claim one.</summary>
    private bool MayClaimApp(DateTimeOffset now)
    {
        lock (_appGate)
        {
            return now >= _appNextClaimAt && _appBlocks.Values.Count(b => !b.Draining) < Math.Max(1, _appTarget);
        }
    }

    private int AppBlocks => Math.Min(AppBlockCount, _options.AppPerMinute);

    /// <summary>Slots of app block <paramref name="index"/>: the app's minute budget spread over the app blocks.</summary>
    private int AppSlotsOf(int index) => (_options.AppPerMinute / AppBlocks) + (index < _options.AppPerMinute % AppBlocks ? 1 : 0);

    /// <summary>
    /// Under the tenant's gate: one free slot of a held app block for a call from <paramref name="block"/>, if that tenant
    /// block is under its part of this instance's app slots: the slots spread evenly over the tenant blocks held here, the
    /// fraction as one more slot for a pseudo-random share of the blocks (reshuffled every minute), and at least one.
    /// </summary>
    private bool TryTakeAppSlot(string tenantId, HeldBlock block, DateTimeOffset now, out AppBlock app, out int appSlot, out TimeSpan wait)
    {
        var nowMicros = FirestoreDocumentId.ToMicros(now);
        app = null!;
        appSlot = -1;
        lock (_appGate)
        {
            var perBlock = (double)_appSlotsHeld / Math.Max(1, Volatile.Read(ref _tenantBlockCount));
            var minute = nowMicros / (Window.Ticks / 10);
            var offset = (uint)HashCode.Combine(tenantId, block.Index, minute) / ((double)uint.MaxValue + 1);
            if (block.UsedSlots(nowMicros) >= Math.Max(1, (int)Math.Floor(perBlock + offset)))
            {
                var next = block.FreeAtMicros.Where(f => f > nowMicros && f != HeldBlock.InFlightMarker).DefaultIfEmpty(long.MaxValue).Min();
                wait = next == long.MaxValue ? ClaimRetry : Min(FirestoreDocumentId.FromMicros(next) - now, ClaimRetry);
                return false;
            }

            wait = ClaimRetry;
            foreach (var candidate in _appBlocks.Values)
            {
                if (candidate.Draining || now >= candidate.LeaseUntil - Guard)
                {
                    continue;
                }

                var slot = candidate.FreeSlot(nowMicros, out var nextFree);
                if (slot < 0)
                {
                    wait = Min(wait, nextFree == HeldBlock.InFlightMarker ? Poll : FirestoreDocumentId.FromMicros(nextFree) - now);
                    continue;
                }

                candidate.FreeAtMicros[slot] = HeldBlock.InFlightMarker;
                candidate.InFlight++;
                app = candidate;
                appSlot = slot;
                return true;
            }

            return false;
        }
    }

    /// <summary>
    /// The instance-wide app refresh: publishes this instance's demand (the tenant slots it holds) in the app blocks it
    /// writes, reads every app block (one batchGet), works out this instance's share, and renews, drains, releases or
    /// claims app blocks to match it. Returns whether a block was claimed. At most one runs at a time.
    /// </summary>
    private async Task<bool> RefreshAppAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _appRefreshing, 1) == 1)
        {
            return false;
        }

        try
        {
            var demand = 0;
            foreach (var state in _tenants.Values)
            {
                lock (state.Gate)
                {
                    demand += state.Blocks.Keys.Sum(SlotsOf);
                }
            }

            var count = AppBlocks;
            var snapshots = await _client.BatchGetAsync([.. Enumerable.Range(0, count).Select(AppBlockDoc)], cancellationToken: cancellationToken);
            var nowMicros = FirestoreDocumentId.ToMicros(now);
            var others = new Dictionary<string, (long LeaseUntil, int Demand)>(StringComparer.Ordinal);
            var candidates = new List<(int Index, long[] FreeAt, FirestorePrecondition Precondition)>();
            var renew = new List<(AppBlock Block, long[] FreeAt)>();
            var release = new List<(AppBlock Block, long[] FreeAt)>();
            lock (_appGate)
            {
                _appRefreshedAt = now;
                for (var k = 0; k < count; k++)
                {
                    var document = snapshots[k].Document;
                    var holder = document?.Field("holder")?.StringValue ?? string.Empty;
                    var leaseUntil = document?.Field("leaseUntilMicros")?.AsInteger() ?? 0;
                    if (_appBlocks.TryGetValue(k, out var mine))
                    {
                        if (holder != InstanceId || (!mine.Writing && now >= mine.LeaseUntil - Guard))
                        {
                            // Taken over after our lease lapsed (it is theirs now), or lapsed (renewal failed): claimed
                            // afresh, under the crash rule, if still wanted.
                            _appBlocks.Remove(k);
                        }

                        if (_appBlocks.ContainsKey(k) || (holder == InstanceId && leaseUntil > nowMicros))
                        {
                            continue;
                        }
                    }

                    if (holder.Length > 0 && holder != InstanceId && leaseUntil > nowMicros)
                    {
                        var published = (int)(document!.Field("demand")?.AsInteger() ?? 0);
                        if (!others.TryGetValue(holder, out var known) || leaseUntil > known.LeaseUntil)
                        {
                            others[holder] = (leaseUntil, published);
                        }

                        continue;
                    }

                    var freeAt = new long[AppSlotsOf(k)];
                    var stored = document?.Field("freeAtMicros")?.ArrayValue?.Values ?? [];
                    for (var s = 0; s < freeAt.Length; s++)
                    {
                        freeAt[s] = s < stored.Count ? stored[s].AsInteger() ?? 0 : 0;

                        // Not released: every slot counts as used at the lease's end.
                        if (holder.Length > 0)
                        {
                            freeAt[s] = Math.Max(freeAt[s], leaseUntil + (Window.Ticks / 10));
                        }
                    }

                    candidates.Add((k, freeAt, document is null ? FirestorePrecondition.MustNotExist : FirestorePrecondition.UpdatedAt(document.UpdateTime!)));
                }

                _appTarget = AppShare(demand, [.. others.Select(o => (o.Key, o.Value.Demand))]);
                var usable = _appBlocks.Values.Where(b => !b.Draining).OrderBy(b => b.InFlight).ToList();
                foreach (var block in usable.Take(Math.Max(0, usable.Count - _appTarget)))
                {
                    block.Draining = true;
                }

                foreach (var block in _appBlocks.Values.Where(b => !b.Writing))
                {
                    if (block.Draining && block.InFlight == 0)
                    {
                        block.Writing = true;
                        release.Add((block, block.Snapshot()));
                    }
                    else if (!block.Draining && block.LeaseUntil - now < AppRenewBefore)
                    {
                        block.Writing = true;
                        renew.Add((block, block.Snapshot()));
                    }
                }

                // Demand moved by more than a tenant block or a tenth since it was last written: republish it now, not at
                // the next renewal, so shares follow it (renewing the earliest lease makes it the latest, which the others read).
                if (renew.Count == 0 && Math.Abs(demand - _publishedDemand) > Math.Max(SlotsOf(0), _publishedDemand / 10)
                    && _appBlocks.Values.Where(b => !b.Writing && !b.Draining).OrderBy(b => b.LeaseUntil).FirstOrDefault() is { } republish)
                {
                    republish.Writing = true;
                    renew.Add((republish, republish.Snapshot()));
                }

                candidates = [.. candidates.OrderBy(c => c.FreeAt.Min()).ThenBy(_ => Random.Shared.Next()).Take(Math.Min(MaxAppClaimsPerRefresh, Math.Max(0, _appTarget - usable.Count)))];

                if (renew.Count > 0 || candidates.Count > 0)
                {
                    _publishedDemand = demand;
                }

                RecountAppSlots();
            }

            var pending = renew.Select(r => (r.Block, r.FreeAt, Release: false)).Concat(release.Select(r => (r.Block, r.FreeAt, Release: true))).ToList();
            try
            {
                while (pending.Count > 0)
                {
                    var (block, freeAt, releasing) = pending[0];
                    pending.RemoveAt(0);
                    await WriteAppBlockAsync(block, freeAt, releasing, releasing ? 0 : demand, now, cancellationToken);
                }
            }
            finally
            {
                lock (_appGate)
                {
                    // A failed write leaves the rest unwritten: tried again at the next refresh.
                    foreach (var (block, _, _) in pending)
                    {
                        block.Writing = false;
                    }
                }
            }

            var claimed = false;
            foreach (var candidate in candidates)
            {
                var leaseUntil = now + AppLeaseTtl;
                try
                {
                    var result = await _client.CommitAsync(
                        [FirestoreWrite.Set(AppBlockDoc(candidate.Index), AppBlockFields(InstanceId, leaseUntil, candidate.FreeAt, demand), candidate.Precondition)],
                        cancellationToken: cancellationToken);
                    lock (_appGate)
                    {
                        _appBlocks[candidate.Index] = new AppBlock(candidate.Index, candidate.FreeAt, leaseUntil, result.WriteResults![0].UpdateTime!);
                        RecountAppSlots();
                    }

                    claimed = true;
                }
                catch (Exception e) when (e is FirestoreAlreadyExistsException or FirestorePreconditionFailedException or FirestoreAbortedException)
                {
                    // Another instance took it first: try the next one.
                }
            }

            if (!claimed)
            {
                lock (_appGate)
                {
                    _appNextClaimAt = now + ClaimRetry;
                }
            }

            return claimed;
        }
        finally
        {
            Volatile.Write(ref _appRefreshing, 0);
        }
    }

    /// <summary>
    /// This instance's number of app blocks. Every instance with demand wants enough blocks for the tenant slots it
    /// holds; if all of that fits, each gets what it wants. Otherwise the blocks less one are shared in proportion to
    /// demand (water-filling: an instance wanting less than its proportional part gets what it wants and the rest is shared
    /// again), the remainders by largest fraction then instance id, so every instance computes the same split from the
    /// same documents. The one block left over stays free so that an instance holding none yet (whose demand nobody can
    /// see) can take one and be counted.
    /// </summary>
    private int AppShare(int demand, IReadOnlyList<(string Instance, int Demand)> others)
    {
        if (demand <= 0)
        {
            return 0;
        }

        var perBlock = (double)_options.AppPerMinute / AppBlocks;
        var all = others.Where(o => o.Demand > 0).Append((Instance: InstanceId, Demand: demand)).ToList();
        int Want(int d) => Math.Clamp((int)Math.Ceiling(d / perBlock), 1, AppBlocks);
        if (all.Sum(a => Want(a.Demand)) <= AppBlocks)
        {
            return Want(demand);
        }

        var pool = (double)(AppBlocks - 1);
        var shares = new Dictionary<string, double>(StringComparer.Ordinal);
        var open = all.ToList();
        while (open.Count > 0)
        {
            var total = open.Sum(a => (double)a.Demand);
            var capped = open.Where(a => Want(a.Demand) <= pool * a.Demand / total).ToList();
            if (capped.Count == 0)
            {
                foreach (var a in open)
                {
                    shares[a.Instance] = pool * a.Demand / total;
                }

                break;
            }

            foreach (var a in capped)
            {
                shares[a.Instance] = Want(a.Demand);
                pool -= Want(a.Demand);
                open.Remove(a);
            }
        }

        var whole = shares.ToDictionary(p => p.Key, p => (int)Math.Floor(p.Value), StringComparer.Ordinal);
        var left = (AppBlocks - 1) - whole.Values.Sum();
        foreach (var extra in shares.OrderByDescending(p => p.Value - Math.Floor(p.Value)).ThenBy(p => p.Key, StringComparer.Ordinal).Take(Math.Max(0, left)))
        {
            whole[extra.Key]++;
        }

        return Math.Max(1, whole[InstanceId]);
    }

    /// <summary>Under the app gate: the slots of the app blocks calls may be granted from.</summary>
    private void RecountAppSlots() => _appSlotsHeld = _appBlocks.Values.Where(b => !b.Draining).Sum(b => b.FreeAtMicros.Length);

    /// <summary>Renews (or releases) a held app block with one updateTime-guarded write carrying this instance's demand.</summary>
    private async Task WriteAppBlockAsync(AppBlock block, long[] freeAt, bool release, int demand, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var leaseUntil = release ? now : now + AppLeaseTtl;
        try
        {
            var result = await _client.CommitAsync(
                [FirestoreWrite.Set(AppBlockDoc(block.Index), AppBlockFields(release ? string.Empty : InstanceId, leaseUntil, freeAt, demand), FirestorePrecondition.UpdatedAt(block.UpdateTime))],
                cancellationToken: cancellationToken);
            lock (_appGate)
            {
                block.Writing = false;
                if (release)
                {
                    _appBlocks.Remove(block.Index);
                }
                else
                {
                    block.LeaseUntil = leaseUntil;
                    block.UpdateTime = result.WriteResults![0].UpdateTime!;
                }

                RecountAppSlots();
            }
        }
        catch (Exception e) when (e is FirestorePreconditionFailedException or FirestoreAbortedException or FirestoreAlreadyExistsException)
        {
            LogAppBlockLost(block.Index);
            lock (_appGate)
            {
                block.Writing = false;
                _appBlocks.Remove(block.Index);
                RecountAppSlots();
            }
        }
        catch
        {
            lock (_appGate)
            {
                block.Writing = false;
            }

            throw;
        }
    }

    /// <summary>Releases the app blocks with no call in flight (no tenant demand left, or shutting down).</summary>
    private async Task ReleaseAppBlocksAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        List<(AppBlock Block, long[] FreeAt)> idle;
        lock (_appGate)
        {
            idle = [.. _appBlocks.Values.Where(b => !b.Writing && b.InFlight == 0).Select(b => (b, b.Snapshot()))];
            foreach (var (block, _) in idle)
            {
                block.Writing = true;
                block.Draining = true;
            }

            RecountAppSlots();
        }

        foreach (var (block, freeAt) in idle)
        {
            await WriteAppBlockAsync(block, freeAt, release: true, 0, now, cancellationToken);
        }
    }

    private static Dictionary<string, FirestoreValue> AppBlockFields(string holder, DateTimeOffset leaseUntil, long[] freeAt, int demand)
    {
        var fields = BlockFields(holder, leaseUntil, freeAt);
        fields["demand"] = FirestoreValue.FromInteger(demand);
        return fields;
    }

    private static Dictionary<string, FirestoreValue> BlockFields(string holder, DateTimeOffset leaseUntil, long[] freeAt) => new()
    {
        ["holder"] = FirestoreValue.FromString(holder),
        ["leaseUntilMicros"] = FirestoreValue.FromInteger(FirestoreDocumentId.ToMicros(leaseUntil)),
        ["freeAtMicros"] = FirestoreValue.FromArray([.. freeAt.Select(FirestoreValue.FromInteger)]),
    };

    private string AppBlockDoc(int index) => $"{_app}/blocks/{index.ToString(CultureInfo.InvariantCulture)}";

    private string TenantDoc(string tenantId) => $"{_limits}/{FirestoreDocumentId.Encode(tenantId)}";

    private string BlockDoc(string tenantId, int index) => $"{TenantDoc(tenantId)}/blocks/{index.ToString(CultureInfo.InvariantCulture)}";

    [LoggerMessage(EventId = 210, Level = LogLevel.Warning, Message = "Xero throttled tenant {TenantId}: {Problem}, Retry-After {RetryAfterSeconds} s")]
    private partial void LogThrottled(string tenantId, RateLimitProblem problem, double retryAfterSeconds);

    [LoggerMessage(EventId = 211, Level = LogLevel.Information, Message = "Tenant {TenantId}: Xero reports {Remaining} calls left but {Free} slots are free here; treating the difference as foreign usage")]
    private partial void LogForeignUsage(string tenantId, int remaining, int free);

    [LoggerMessage(EventId = 212, Level = LogLevel.Debug, Message = "Tenant {TenantId}: lost rate-limit block {Block}")]
    private partial void LogBlockLost(string tenantId, int block);

    [LoggerMessage(EventId = 213, Level = LogLevel.Warning, Message = "Tenant {TenantId}: releasing idle rate-limit blocks failed")]
    private partial void LogReleaseFailed(string tenantId, Exception exception);

    [LoggerMessage(EventId = 214, Level = LogLevel.Debug, Message = "Lost app rate-limit block {Block}")]
    private partial void LogAppBlockLost(int block);

    [LoggerMessage(EventId = 215, Level = LogLevel.Warning, Message = "Releasing rate-limit blocks at shutdown failed: others take them when their leases lapse")]
    private partial void LogShutdownReleaseFailed(Exception exception);

    [LoggerMessage(EventId = 216, Level = LogLevel.Debug, Message = "Tenant {TenantId}: every rate-limit block is held by other instances; asked for the idle ones")]
    private partial void LogBlocksWanted(string tenantId);
}
