using System.Collections.Concurrent;

namespace XeroSync.Tests.Processes;

/// <summary>
/// Files appearing (created, or moved into place) or written under a folder, by a FileSystemWatcher: a test waits
/// for the next matching event instead of polling.
/// </summary>
internal sealed class FileSignal : IDisposable
{
    private readonly FileSystemWatcher _watcher;
    private readonly Func<string, bool> _match;
    private readonly Action<string>? _react;
    private readonly ConcurrentQueue<string> _seen = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource<string> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="folder">Watched with its subfolders; created when missing.</param>
    /// <param name="match">On the full path of the file.</param>
    /// <param name="changes">Also report writes to existing files (e.g. a WAL), not only new names.</param>
    /// <param name="reads">Also report reads of existing files (inotify's IN_ACCESS), as changes.</param>
    /// <param name="react">Run synchronously on the watcher's thread for each match, before waiters are signalled (for reactions that cannot wait for a thread hop, e.g. a kill).</param>
    public FileSignal(string folder, Func<string, bool> match, bool changes = false, Action<string>? react = null, bool reads = false)
    {
        _react = react;
        Directory.CreateDirectory(folder);
        _match = match;
        _watcher = new FileSystemWatcher(folder)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | (reads ? NotifyFilters.LastAccess : 0),
            InternalBufferSize = 64 * 1024,
        };
        _watcher.Created += (_, e) => Raise(e.FullPath);
        _watcher.Renamed += (_, e) => Raise(e.FullPath);
        if (changes || reads)
        {
            _watcher.Changed += (_, e) => Raise(e.FullPath);
        }

        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>Every matching path reported so far, in order.</summary>
    public IReadOnlyList<string> Seen => [.. _seen];

    /// <summary>Completes with the next matching path reported after this call.</summary>
    public Task<string> NextAsync()
    {
        lock (_gate)
        {
            if (_next.Task.IsCompleted)
            {
                _next = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return _next.Task;
        }
    }

    public void Dispose() => _watcher.Dispose();

    private void Raise(string path)
    {
        if (!_match(path))
        {
            return;
        }

        _react?.Invoke(path);
        _seen.Enqueue(path);
        lock (_gate)
        {
            _next.TrySetResult(path);
        }
    }
}
