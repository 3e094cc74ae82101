using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// The Worker as a real child process (<c>dotnet XeroSync.Worker.dll --urls http://127.0.0.1:port</c>, the build the
/// test project copies beside itself), with exactly the environment <see cref="CloudEnvironment.Variable"/> gives the
/// in-process Worker. <see cref="KillAsync"/> is a SIGKILL of its whole process tree; dispose kills it too.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private WorkerProcess(string name, Process process, Uri baseUri)
    {
        Name = name;
        _process = process;
        BaseUri = baseUri;
    }

    public string Name { get; }

    public Uri BaseUri { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output => string.Join(Environment.NewLine, _lines);

    /// <summary>The last lines the process wrote (its own log lines, warnings and errors, not the HTTP client and hosting chatter), for failure messages.</summary>

    /// <param name="overrides">Variables set differently for this instance (e.g. its <c>XERO_API_URL</c> through a tap).</param>
    public static async Task<WorkerProcess> StartAsync(string name, CloudEnvironment cloud, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "XeroSync.Worker.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} not found: the test project copies the Worker build beside itself (ProjectReference)");
        }

        var port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");

        // Only what the in-process Worker is given: drop inherited service settings, then set the environment's.
        foreach (var key in info.Environment.Keys.ToList())
        {
            if (key.StartsWith("XEROSYNC_", StringComparison.Ordinal) || key.StartsWith("XERO_", StringComparison.Ordinal) ||
                key.StartsWith("GOOGLE_", StringComparison.Ordinal) || key.EndsWith("_EMULATOR_HOST", StringComparison.Ordinal) ||
                key.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || key == "CLIENT_NAME")
            {
                info.Environment.Remove(key);
            }
        }

        foreach (var variable in CloudEnvironment.VariableNames)
        {
            if (cloud.Variable(variable) is { } value)
            {
                info.Environment[variable] = value;
            }
        }

        foreach (var (variable, value) in overrides ?? new Dictionary<string, string>())
        {
            info.Environment[variable] = value;
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_NOLOGO"] = "1";

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var worker = new WorkerProcess(name, process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start {name}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await worker.WaitHealthyAsync(cancellationToken);
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }

        return worker;
    }

    /// <summary>SIGKILL of the process tree (no shutdown, no lease release), then waits for it to be gone.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await _process.WaitForExitAsync(timeout.Token);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        catch (OperationCanceledException)
        {
            // Left to the OS; nothing more a test can do.
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Polls GET /healthz (the only readiness signal a process offers) until 200, its exit, or the timeout.</summary>
    private async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(HealthTimeout);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (true)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} before it was healthy:{Environment.NewLine}{Output}");
                }

                try
                {
                    using var response = await http.GetAsync(new Uri(BaseUri, "healthz"), deadline.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
                {
                    // One slow probe while it starts.
                }

                await timer.WaitForNextTickAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"{Name} not healthy within {HealthTimeout}:{Environment.NewLine}{Output}");
        }
    }

    private void Append(string? line)
    {
        if (line is null || (line.StartsWith('{') && line.Contains("\"severity\":\"INFO\"", StringComparison.Ordinal) && !line.Contains("\"category\":\"XeroSync.", StringComparison.Ordinal)))
        {
            return;
        }

        _lines.Enqueue(line);
        while (_lines.Count > 60 && _lines.TryDequeue(out _))
        {
        }
    }
}
