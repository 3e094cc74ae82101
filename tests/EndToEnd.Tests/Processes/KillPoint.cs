using XeroSync.XeroSimulator;

namespace XeroSync.Tests.Processes;

/// <summary>
/// Where to SIGKILL a running <c>sync</c>, armed before the child starts and then awaited with
/// <see cref="KillAsync"/>. Each point waits for a signal (the simulator holding a call, a file appearing,
/// the test holding the state database's write lock), kills, and reports the evidence that the child really
/// was at that point. Written against the CLI's files and the simulator, never against ledger classes.
/// </summary>
internal sealed partial class KillPoint : IDisposable
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(3);

    private readonly Func<SyncProcess, CancellationToken, Task<KillEvidence>> _kill;
    private readonly Action? _dispose;

    private KillPoint(string name, Func<SyncProcess, CancellationToken, Task<KillEvidence>> kill, Action? dispose = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        Name = name;
        _kill = kill;
        _dispose = dispose;
        Environment = environment ?? new Dictionary<string, string>();
    }

    public string Name { get; }

    /// <summary>Variables the child must be started with for this point (on top of the simulator's).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>Waits (at most <paramref name="timeout"/>) for the point, kills the child there and returns the evidence.</summary>
    public async Task<KillEvidence> KillAsync(SyncProcess child, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(child);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            return await _kill(child, limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var code = await child.KillAsync();
            return new KillEvidence(Name, false, $"the point was not reached within {timeout}; killed anyway", code);
        }
    }

    public void Dispose() => _dispose?.Invoke();

    /// <summary>
    /// During a fetch: the simulator holds the <paramref name="nth"/> accepted API call matching
    /// <paramref name="match"/> (any API call when null) in flight; the child is killed while it waits for the answer.
    /// </summary>
    public static KillPoint DuringFetch(CliSimulator simulator, int nth, Func<SimulatedArrival, bool>? match = null)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        var hold = simulator.Hold(a => a.TenantId is not null && (match?.Invoke(a) ?? true), nth);
        return new KillPoint(
            "during a fetch",
            async (child, ct) =>
            {
                var held = await FirstOf(child, hold.Reached, ct);
                if (held is null)
                {
                    return new KillEvidence("during a fetch", false, "the child exited before the call was made", await child.KillAsync());
                }

                var code = await child.KillAsync();
                hold.Release();
                var answered = simulator.Truth.Requests.Any(r => r.TenantId == held.TenantId && r.PathAndQuery == held.PathAndQuery && r.Time == held.Time && r.StatusCode != 499);
                return new KillEvidence("during a fetch", !answered, $"{held.Endpoint} {held.PathAndQuery} of {held.TenantId} was in flight (held by the simulator) at the kill and never answered", code);
            },
            hold.Release);
    }

    /// <summary>
    /// Between an object write and its ledger update: once a page object appears the test takes the state
    /// database's write lock; the child is killed when a further page object appears while the lock is held,
    /// so that object's ledger update cannot have been committed. If no object follows within a few seconds
    /// (nothing was in flight) the lock is released and the next object is tried.
    /// </summary>
    public static KillPoint BetweenObjectWriteAndLedgerUpdate(string dataDirectory)
    {
        var pages = new FileSignal(Path.Combine(dataDirectory, "objects"), IsPageObject);
        var first = pages.NextAsync();
        return new KillPoint(
            "between object write and ledger update",
            async (child, ct) =>
            {
                var trigger = first;
                while (true)
                {
                    if (await FirstOf(child, trigger, ct) is null)
                    {
                        return new KillEvidence("between object write and ledger update", false, "the child exited before writing a page object", await child.KillAsync());
                    }

                    await using (await StateWriteLock.AcquireAsync(dataDirectory, ct))
                    {
                        // Page objects present once the lock is held; any other one was written under the lock.
                        var existing = Directory.EnumerateFiles(Path.Combine(dataDirectory, "objects"), "page-*.ndjson.gz", SearchOption.AllDirectories).ToHashSet(StringComparer.Ordinal);
                        string? orphan = null;
                        while (orphan is null)
                        {
                            var written = await FirstOf(child, OrNullAfter(pages.NextAsync(), Quiet, ct), ct);
                            if (written is null)
                            {
                                break;
                            }

                            orphan = pages.Seen.FirstOrDefault(p => !existing.Contains(p) && File.Exists(p));
                        }

                        if (orphan is not null)
                        {
                            var code = await child.KillAsync();
                            var orphans = pages.Seen.Where(p => !existing.Contains(p) && File.Exists(p)).Select(p => Path.GetRelativePath(dataDirectory, p)).Distinct().ToList();
                            return new KillEvidence(
                                "between object write and ledger update",
                                orphans.Count > 0,
                                $"page object(s) absent when the test took the state database's write lock and written while it held it, so not recorded in the ledger: {string.Join(", ", orphans)}",
                                code);
                        }

                        if (child.HasExited)
                        {
                            return new KillEvidence("between object write and ledger update", false, "the child exited while the lock was held", await child.KillAsync());
                        }
                    }

                    trigger = pages.NextAsync();
                }
            },
            pages.Dispose);
    }

    /// <summary>
    /// During a manifest write: the child runs with <see cref="ManifestRenameHold"/> preloaded, which holds the
    /// thread writing the first manifest at the entry of the rename that would move its temp file into place
    /// (written and flushed, not yet visible under its name) and tells the test so through a signal file. The
    /// child is killed there. Reached when the temp file existed and the manifest did not, both just before the
    /// kill (the writer was held, so nothing could move it) and after it.
    /// </summary>
    public static KillPoint DuringManifestWrite(string dataDirectory, ManifestRenameHold hold)
    {
        ArgumentNullException.ThrowIfNull(hold);
        var signals = new FileSignal(hold.SignalFolder, p => p == hold.SignalFile);
        var first = signals.NextAsync();
        return new KillPoint(
            "during a manifest write",
            async (child, ct) =>
            {
                if (await FirstOf(child, first, ct) is null)
                {
                    return new KillEvidence("during a manifest write", false, "the child exited before renaming a manifest into place", await child.KillAsync());
                }

                var temp = (await File.ReadAllTextAsync(hold.SignalFile, ct)).Trim();
                var manifest = temp[..(temp.IndexOf(".json", StringComparison.Ordinal) + ".json".Length)];
                var before = (Temp: File.Exists(temp), Manifest: File.Exists(manifest));
                var code = await child.KillAsync();
                var after = (Temp: File.Exists(temp), Manifest: File.Exists(manifest));
                var cut = temp.StartsWith(Path.Combine(dataDirectory, "objects") + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                    && before is { Temp: true, Manifest: false } && after is { Temp: true, Manifest: false };
                return new KillEvidence(
                    "during a manifest write",
                    cut,
                    $"held at the rename of {Path.GetRelativePath(dataDirectory, temp)}; at the kill: temp file {(before.Temp ? "present" : "absent")}, {Path.GetFileName(manifest)} {(before.Manifest ? "present" : "absent")}; after it: temp {(after.Temp ? "present" : "absent")}, manifest {(after.Manifest ? "present" : "absent")}",
                    code);
            },
            signals.Dispose,
            hold.Environment);
    }

    /// <summary>
    /// During a load: once a manifest appears, killed on the watcher's thread when one of its page objects is read (only a
    /// load reads page objects: it appends them to the warehouse one by one). Reached when that read happened (the load had
    /// started) and the warehouse afterwards shows none of the manifest's rows (it had not finished).
    /// </summary>
    public static KillPoint DuringLoad(string dataDirectory)
    {
        SyncProcess? target = null;
        string? armedBy = null;
        string? read = null;
        var manifests = new FileSignal(
            Path.Combine(dataDirectory, "objects"),
            p => Path.GetFileName(p).StartsWith("_manifest", StringComparison.Ordinal) && p.EndsWith(".json", StringComparison.Ordinal),
            react: p => Interlocked.CompareExchange(ref armedBy, p, null));
        var pages = new FileSignal(
            Path.Combine(dataDirectory, "objects"),
            IsPageObject,
            reads: true,
            react: p =>
            {
                // The manifest's pages were all written before it appeared: an event on one of them now is a read.
                if (Volatile.Read(ref armedBy) is { } manifest && Path.GetDirectoryName(p) == Path.GetDirectoryName(manifest)
                    && Interlocked.CompareExchange(ref read, p, null) is null)
                {
                    Volatile.Read(ref target)?.KillNow();
                }
            });
        return new KillPoint(
            "during a load",
            async (child, ct) =>
            {
                Volatile.Write(ref target, child);
                await child.Exited.WaitAsync(ct);
                var code = await child.KillAsync();
                if (Volatile.Read(ref armedBy) is not { } manifest)
                {
                    return new KillEvidence("during a load", false, "the child exited before writing a manifest", code);
                }

                if (Volatile.Read(ref read) is not { } page)
                {
                    return new KillEvidence("during a load", false, $"the child exited before reading a page object of {Path.GetRelativePath(dataDirectory, manifest)}", code);
                }

                // xero/{table}/tenant={id}/run={id}/_manifest.json: the rows that manifest would load.
                var parts = Path.GetRelativePath(Path.Combine(dataDirectory, "objects"), manifest).Split(Path.DirectorySeparatorChar);
                var (table, tenant, run) = (parts[1], parts[2]["tenant=".Length..], parts[3]["run=".Length..]);
                if (!SafeName().IsMatch(table) || !SafeName().IsMatch(tenant) || !SafeName().IsMatch(run))
                {
                    return new KillEvidence("during a load", false, $"unexpected manifest path {Path.GetRelativePath(dataDirectory, manifest)}", code);
                }

                // A load commits its objects one at a time and then its _loads row; the views show only rows of loads with a
                // _loads row. The pieces it committed before the kill are counted for the report.
                long rows;
                long pieces;
                using (var reader = new WarehouseReader(Path.Combine(dataDirectory, "warehouse.duckdb")))
                {
                    rows = reader.Exists("xero", table, "VIEW")
                        ? reader.Scalar($"SELECT count(*) FROM xero.{table} WHERE tenant_id = '{tenant}' AND run_id = '{run}'")
                        : 0;
                    var folder = Path.GetRelativePath(Path.Combine(dataDirectory, "objects"), Path.GetDirectoryName(manifest)!).Replace(Path.DirectorySeparatorChar, '/');
                    pieces = reader.Exists("xero_raw", "_load_pieces", "BASE TABLE")
                        ? reader.Scalar($"SELECT count(*) FROM xero_raw._load_pieces WHERE starts_with(object_name, '{folder}/')")
                        : 0;
                }

                return new KillEvidence(
                    "during a load",
                    rows == 0,
                    $"killed (on the watcher's thread) when the loader read {Path.GetRelativePath(dataDirectory, page)}, after {Path.GetRelativePath(dataDirectory, manifest)} appeared; pieces of it committed before the kill: {pieces}; rows of that run in xero.{table} afterwards: {rows}",
                    code);
            },
            () =>
            {
                manifests.Dispose();
                pages.Dispose();
            });
    }

    /// <summary>
    /// Between the pieces of a load: armed when a manifest of at least two page objects appears, the child is killed at
    /// the <paramref name="writes"/>th change of the warehouse's write-ahead log after that (each object is a commit).
    /// Reached when the warehouse afterwards holds committed objects of a load job that has no <c>_loads</c> row.
    /// </summary>
    public static KillPoint BetweenLoadPieces(string dataDirectory, int writes = 3)
    {
        SyncProcess? target = null;
        string? armedBy = null;
        var walWrites = 0;
        var manifests = new FileSignal(
            Path.Combine(dataDirectory, "objects"),
            p => Path.GetFileName(p).StartsWith("_manifest", StringComparison.Ordinal) && p.EndsWith(".json", StringComparison.Ordinal),
            react: p =>
            {
                if (ObjectCount(p) >= 2)
                {
                    Interlocked.CompareExchange(ref armedBy, p, null);
                }
            });
        var wal = new FileSignal(
            dataDirectory,
            p => Path.GetFileName(p) == "warehouse.duckdb.wal",
            changes: true,
            react: _ =>
            {
                if (Volatile.Read(ref armedBy) is not null && Interlocked.Increment(ref walWrites) == writes)
                {
                    Volatile.Read(ref target)?.KillNow();
                }
            });
        return new KillPoint(
            "between load pieces",
            async (child, ct) =>
            {
                Volatile.Write(ref target, child);
                await child.Exited.WaitAsync(ct);
                var code = await child.KillAsync();
                if (Volatile.Read(ref armedBy) is not { } manifest)
                {
                    return new KillEvidence("between load pieces", false, "the child exited before writing a manifest of two or more objects", code);
                }

                var database = Path.Combine(dataDirectory, "warehouse.duckdb");
                if (!File.Exists(database))
                {
                    return new KillEvidence("between load pieces", false, "no warehouse yet", code);
                }

                using var reader = new WarehouseReader(database);
                var unfinished = reader.Exists("xero_raw", "_load_pieces", "BASE TABLE")
                    ? reader.Scalar("SELECT count(*) FROM xero_raw._load_pieces p WHERE NOT EXISTS (SELECT 1 FROM xero_raw._loads l WHERE l.job_id = p.job_id)")
                    : 0;
                return new KillEvidence(
                    "between load pieces",
                    unfinished > 0,
                    $"killed (on the watcher's thread) at write-ahead log change {Volatile.Read(ref walWrites)} after {Path.GetRelativePath(dataDirectory, manifest)} appeared; committed objects of unfinished loads afterwards: {unfinished}",
                    code);
            },
            () =>
            {
                manifests.Dispose();
                wal.Dispose();
            });
    }

    private static int ObjectCount(string manifestPath)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(manifestPath));
            return document.RootElement.TryGetProperty("objects", out var objects) ? objects.GetArrayLength() : 0;
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
        {
            return 0;
        }
    }

    /// <summary>
    /// During publishing (run start): <c>/connections</c> is held until the test watches the state database's
    /// WAL, then answered; the child is killed at its <paramref name="writes"/>th write to the state database after
    /// that (the run and its pending pages are being recorded before the messages are published). Reached when
    /// no fetch has arrived at the simulator by then: the run's messages had not been published.
    /// </summary>
    public static KillPoint DuringPublishing(CliSimulator simulator, string dataDirectory, int writes = 3)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        var connections = simulator.Hold(a => a.Endpoint == "connections");
        var wal = new FileSignal(dataDirectory, p => Path.GetFileName(p) == "state.db-wal", changes: true);
        return new KillPoint(
            "during publishing",
            async (child, ct) =>
            {
                if (await FirstOf(child, connections.Reached, ct) is null)
                {
                    return new KillEvidence("during publishing", false, "the child exited before listing connections", await child.KillAsync());
                }

                var fetchesBefore = simulator.Truth.Requests.Count(r => r.TenantId is not null);
                var answered = simulator.WhenLogged(r => r.Endpoint == "connections");
                connections.Release();
                await FirstOf(child, answered, ct);
                for (var i = 0; i < writes; i++)
                {
                    if (await FirstOf(child, wal.NextAsync(), ct) is null)
                    {
                        return new KillEvidence("during publishing", false, "the child exited while starting the run", await child.KillAsync());
                    }
                }

                var code = await child.KillAsync();
                var fetches = simulator.Truth.Requests.Count(r => r.TenantId is not null) - fetchesBefore;
                return new KillEvidence(
                    "during publishing",
                    fetches == 0,
                    $"killed after {writes} writes to state.db-wal once /connections was answered; fetches that reached the simulator meanwhile: {fetches}",
                    code);
            },
            () =>
            {
                connections.Release();
                wal.Dispose();
            });
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9_-]{1,100}$")]
    private static partial System.Text.RegularExpressions.Regex SafeName();

    private static bool IsPageObject(string path) => Path.GetFileName(path).StartsWith("page-", StringComparison.Ordinal) && path.EndsWith(".ndjson.gz", StringComparison.Ordinal);

    /// <summary>The signal's result, or null when the child exits first.</summary>
    private static async Task<T?> FirstOf<T>(SyncProcess child, Task<T> signal, CancellationToken cancellationToken)
        where T : class?
    {
        var done = await Task.WhenAny(signal, child.Exited).WaitAsync(cancellationToken);
        return done == signal ? await signal : null;
    }

    /// <summary>The task's result, or null when it takes longer than <paramref name="quiet"/>.</summary>
    private static async Task<T?> OrNullAfter<T>(Task<T> task, TimeSpan quiet, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await task.WaitAsync(quiet, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }
}
