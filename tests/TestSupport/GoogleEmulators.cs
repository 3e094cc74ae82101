using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace XeroSync.Tests;

/// <summary>
/// The Pub/Sub and Firestore emulators from google-cloud-cli, each on a free loopback port, started once per test
/// project (use as an xunit assembly fixture: <c>[assembly: AssemblyFixture(typeof(GoogleEmulators))]</c>) and killed
/// with their whole process tree (gcloud → launcher → java) on dispose. Tests call <c>Require</c> first (GoogleEmulators.Xunit.cs:
/// it skips when gcloud is not installed, and fails under <c>CI=true</c>); this half uses no test framework, so bench/ links it.
/// </summary>
public sealed partial class GoogleEmulators
{
    /// <summary>The project id the emulators are used with.</summary>
    public const string ProjectId = "test-project";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly List<EmulatorProcess> _processes = [];
    private readonly TempDirectory _dataDirectory = new();

    /// <summary><c>127.0.0.1:port</c> of the Pub/Sub emulator (for <c>PUBSUB_EMULATOR_HOST</c>); null when unavailable.</summary>
    public string? PubSubHost { get; private set; }

    /// <summary><c>127.0.0.1:port</c> of the Firestore emulator (for <c>FIRESTORE_EMULATOR_HOST</c>); null when unavailable.</summary>
    public string? FirestoreHost { get; private set; }

    /// <summary>The Cloud SDK root (e.g. /usr/lib/google-cloud-sdk); null when gcloud is not installed.</summary>
    public string? SdkRoot { get; private set; }

    /// <summary>Why the emulators are not available (null when they are running).</summary>
    public string? UnavailableReason { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var gcloud = FindOnPath("gcloud");
        if (gcloud is null)
        {
            UnavailableReason = "gcloud (google-cloud-cli) is not on PATH; the Pub/Sub and Firestore emulators cannot start.";
            return;
        }

        SdkRoot = FindSdkRoot(gcloud);
        foreach (var component in new[] { "pubsub-emulator", "cloud-firestore-emulator" })
        {
            if (SdkRoot is not null && !Directory.Exists(Path.Combine(SdkRoot, "platform", component)))
            {
                UnavailableReason = $"The gcloud component {component} is not installed under {SdkRoot}.";
                return;
            }
        }

        var pubSubPort = FreePort();
        var firestorePort = FreePort();
        var pubSubData = Path.Combine(_dataDirectory.Path, "pubsub");
        Directory.CreateDirectory(pubSubData);
        try
        {
            var pubSub = Start(gcloud, "pubsub", ["beta", "emulators", "pubsub", "start", $"--host-port=127.0.0.1:{pubSubPort}", $"--project={ProjectId}", $"--data-dir={pubSubData}"], pubSubPort);
            var firestore = Start(gcloud, "firestore", ["emulators", "firestore", "start", $"--host-port=127.0.0.1:{firestorePort}"], firestorePort);
            await Task.WhenAll(WaitUntilReadyAsync(pubSub), WaitUntilReadyAsync(firestore));
            PubSubHost = pubSub.Host;
            FirestoreHost = firestore.Host;
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        var errors = new List<string>();
        foreach (var emulator in _processes)
        {
            try
            {
                if (!emulator.Process.HasExited)
                {
                    emulator.Process.Kill(entireProcessTree: true);
                }

                using var cts = new CancellationTokenSource(StopTimeout);
                await emulator.Process.WaitForExitAsync(cts.Token);
                if (!await WaitUntilPortClosedAsync(emulator.Port) && !await KillOrphansAsync(emulator.Port))
                {
                    errors.Add($"{emulator.Name} emulator still listens on port {emulator.Port} after killing its process tree.");
                }
            }
            catch (Exception e) when (e is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
            {
                errors.Add($"{emulator.Name} emulator: {e.Message}");
            }
            finally
            {
                emulator.Process.Dispose();
            }
        }

        _processes.Clear();
        _dataDirectory.Dispose();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, errors));
        }
    }

    private static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Resolves the gcloud symlink (…/google-cloud-sdk/bin/gcloud) to the SDK root.</summary>
    private static string? FindSdkRoot(string gcloud)
    {
        var target = File.ResolveLinkTarget(gcloud, returnFinalTarget: true)?.FullName ?? gcloud;
        var bin = Path.GetDirectoryName(target);
        var root = bin is null ? null : Path.GetDirectoryName(bin);
        return root is not null && Directory.Exists(Path.Combine(root, "platform")) ? root : null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// The Firestore emulator runs as gcloud -> bash -> java; when the bash wrapper dies first, java is re-parented to
    /// init and is no longer in the tree that was killed. Finds the emulator processes serving <paramref name="port"/>
    /// by their command line, kills them, and reports whether the port closed.
    /// </summary>
    private static async Task<bool> KillOrphansAsync(int port)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        var argument = string.Create(CultureInfo.InvariantCulture, $"--port={port}");
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string[] parts;
            try
            {
                parts = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (parts.Contains(argument, StringComparer.Ordinal) && parts.Any(p => p.Contains("emulator", StringComparison.Ordinal)))
            {
                try
                {
                    using var orphan = Process.GetProcessById(pid);
                    orphan.Kill(entireProcessTree: true);
                    using var cts = new CancellationTokenSource(StopTimeout);
                    await orphan.WaitForExitAsync(cts.Token);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
                {
                }
            }
        }

        return await WaitUntilPortClosedAsync(port);
    }

    private static async Task<bool> WaitUntilPortClosedAsync(int port)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StopTimeout)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
            }
            catch (SocketException)
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    private static async Task WaitUntilReadyAsync(EmulatorProcess emulator)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (emulator.Process.HasExited)
            {
                throw new InvalidOperationException($"The {emulator.Name} emulator exited with code {emulator.Process.ExitCode}:{Environment.NewLine}{emulator.Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri($"http://{emulator.Host}/"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"The {emulator.Name} emulator did not answer HTTP on {emulator.Host} within {StartTimeout}:{Environment.NewLine}{emulator.Output}");
    }

    private EmulatorProcess Start(string gcloud, string name, string[] arguments, int port)
    {
        var info = new ProcessStartInfo(gcloud)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["CLOUDSDK_CORE_DISABLE_PROMPTS"] = "1";
        var process = new Process { StartInfo = info };
        var emulator = new EmulatorProcess(name, process, port);
        process.OutputDataReceived += (_, e) => emulator.Append(e.Data);
        process.ErrorDataReceived += (_, e) => emulator.Append(e.Data);
        process.Start();
        _processes.Add(emulator);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return emulator;
    }
}
