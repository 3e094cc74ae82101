using System.Diagnostics;

namespace XeroSync.Tests.Processes;

/// <summary>
/// The test-only LD_PRELOAD shim <c>Native/hold_manifest_rename.c</c>, compiled with the machine's C compiler into a
/// fresh folder: a child started with <see cref="Environment"/> holds the thread that would rename a manifest's temp
/// file into place, forever, after writing that temp file's path to <see cref="SignalFile"/>. The SIGKILL then lands
/// inside the manifest write by construction, not by timing. Needs <c>cc</c> (or <c>gcc</c>) on PATH: without one the
/// test is skipped, and under <c>CI=true</c> it fails.
/// </summary>
internal sealed class ManifestRenameHold : IDisposable
{
    private readonly TempDirectory _folder;

    private ManifestRenameHold(TempDirectory folder, string library)
    {
        _folder = folder;
        SignalFolder = System.IO.Path.Combine(folder.Path, "signal");
        Directory.CreateDirectory(SignalFolder);
        SignalFile = System.IO.Path.Combine(SignalFolder, "held");
        Environment = new Dictionary<string, string> { ["LD_PRELOAD"] = library, ["XEROSYNC_HOLD_SIGNAL"] = SignalFile };
    }

    /// <summary>The folder the signal file appears in (watched by the kill point).</summary>
    public string SignalFolder { get; }

    /// <summary>Moved into place (whole) holding the held temp file's full path.</summary>
    public string SignalFile { get; }

    /// <summary>The child's extra variables: the shim preloaded, and where it signals.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    public static async Task<ManifestRenameHold> BuildAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("The manifest-write hold is an LD_PRELOAD shim for Linux.");
        }

        var compiler = FindOnPath("cc") ?? FindOnPath("gcc");
        if (compiler is null)
        {
            const string reason = "No C compiler (cc or gcc) on PATH to build the manifest-write hold (an LD_PRELOAD shim).";
            if (RepositoryPaths.IsCi)
            {
                Assert.Fail(reason + " Under CI=true this is a failure.");
            }

            Assert.Skip(reason);
        }

        var source = System.IO.Path.Combine(AppContext.BaseDirectory, "Processes", "Native", "hold_manifest_rename.c");
        Assert.True(File.Exists(source), $"The shim's source was not copied beside the tests: {source}");
        var folder = new TempDirectory();
        try
        {
            var library = System.IO.Path.Combine(folder.Path, "hold_manifest_rename.so");
            var start = new ProcessStartInfo(compiler) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in new[] { "-shared", "-fPIC", "-O2", "-o", library, source, "-ldl" })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException($"{compiler} did not start.");
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(TimeSpan.FromMinutes(1));
            await process.WaitForExitAsync(limit.Token);
            Assert.True(process.ExitCode == 0 && File.Exists(library), $"{compiler} failed to build the shim (exit {process.ExitCode}): {await stderr}");
            return new ManifestRenameHold(folder, library);
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    public void Dispose() => _folder.Dispose();

    private static string? FindOnPath(string name) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => System.IO.Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}
