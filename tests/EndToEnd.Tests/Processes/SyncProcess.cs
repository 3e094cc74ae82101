using System.Diagnostics;
using System.Text;

namespace XeroSync.Tests.Processes;

/// <summary>
/// The built CLI (<c>dotnet xerosync.dll sync ...</c>) as a child process with its own data folder:
/// stdout and stderr captured, exit code, and a real SIGKILL (<see cref="Process.Kill(bool)"/> on Linux).
/// </summary>
internal sealed class SyncProcess : IAsyncDisposable
{
    /// <summary>Exit code of a process ended by SIGKILL (128 + 9).</summary>
    public const int KilledExitCode = 137;

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _gate = new();

    private SyncProcess(Process process, string dataDirectory)
    {
        _process = process;
        DataDirectory = dataDirectory;
    }

    /// <summary>
    /// The CLI under test: <c>XEROSYNC_CLI_DLL</c> when set (e.g. an older build, to measure a regression), else
    /// the xerosync.dll this test project builds and copies beside itself.
    /// </summary>
    public static string CliDll
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("XEROSYNC_CLI_DLL");
            var path = string.IsNullOrEmpty(configured) ? Path.Combine(AppContext.BaseDirectory, "xerosync.dll") : configured;
            Assert.True(File.Exists(path), $"The CLI was not built at {path}.");
            return path;
        }
    }

    public string DataDirectory { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Completes when the process has ended (by itself or killed).</summary>
    public Task Exited { get; private set; } = Task.CompletedTask;

    public string Stdout
    {
        get
        {
            lock (_gate)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Output for assertion messages.</summary>
    public string Transcript => $"--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";

    /// <summary>Starts <c>sync --data-dir {dataDirectory} {arguments}</c> with only the given environment on top of a clean one.</summary>
    public static SyncProcess StartSync(string dataDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = dataDirectory,
        };
        start.ArgumentList.Add(CliDll);
        start.ArgumentList.Add("sync");
        start.ArgumentList.Add("--data-dir");
        start.ArgumentList.Add(dataDirectory);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Nothing of the test's own Xero configuration leaks into the child.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("XERO_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        Directory.CreateDirectory(dataDirectory);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new SyncProcess(process, dataDirectory);
        process.OutputDataReceived += (_, e) => child.Append(child._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(child._stderr, e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException("dotnet did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        child.Exited = process.WaitForExitAsync(CancellationToken.None);
        return child;
    }

    /// <summary>Waits for the process to end by itself; fails the test (after killing it) if it takes longer than <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await KillAsync();
            Assert.Fail($"sync did not finish within {timeout}.\n{Transcript}");
        }

        return _process.ExitCode;
    }

    /// <summary>SIGKILL of the whole process tree, now, without waiting (for reactions on a watcher's thread).</summary>
    public void KillNow()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    /// <summary>SIGKILL of the whole process tree, then waits until it is gone; returns its exit code (137).</summary>
    public async Task<int> KillAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        using var reap = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(reap.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            buffer.AppendLine(line);
        }
    }
}
