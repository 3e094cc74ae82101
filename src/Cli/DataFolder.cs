namespace XeroSync.Cli;

/// <summary>The <c>--data-dir</c> of a command (default ./data), checked before anything opens a file in it.</summary>
public static class DataFolder
{
    private const string LockFileName = ".sync.lock";

    /// <summary>The folder a command writes (sync, retry, connect): created if absent, refused if a file or not writable.</summary>
    public static string ForWriting(CliArguments args)
    {
        var path = Resolve(args);
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"The data folder {path} cannot be created: {ex.Message}", ex);
        }

        if (!IsWritable(path))
        {
            throw new CliUsageException($"The data folder {path} is not writable: sync, retry and connect write there (status and query only read it).");
        }

        return path;
    }

    /// <summary>
    /// Holds the folder for one writing command (sync, retry) until disposed: an exclusive lock on <c>.sync.lock</c>,
    /// released by the operating system when the process ends, however it ends. A second sync or retry of the same
    /// folder is refused at once instead of waiting on the warehouse or the ledger.
    /// </summary>
    public static IDisposable LockForWriting(string path)
    {
        var lockFile = System.IO.Path.Combine(path, LockFileName);
        try
        {
            return new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException ex)
        {
            throw new DataFolderInUseException($"the data folder {path} is in use: another sync or retry is running in it. Wait for it to finish, or pass another --data-dir.", ex);
        }
    }

    /// <summary>
    /// Whether a sync or retry holds the folder's <c>.sync.lock</c> now (a run marked running in the ledger whose
    /// process has ended holds nothing: it was interrupted). Asks for a shared lock, which the writer's exclusive lock
    /// refuses, and lets go at once; a folder without the file has no writer.
    /// </summary>
    public static bool IsInUse(string path)
    {
        try
        {
            using var probe = new FileStream(System.IO.Path.Combine(path, LockFileName), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
            return false;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Held (or unreadable, where a running writer cannot be ruled out).
            return true;
        }
    }

    /// <summary>The folder a command only reads (status, query): refused if it is a file.</summary>
    public static string ForReading(CliArguments args) => Resolve(args);

    /// <summary>Whether a file can be created in <paramref name="path"/> (permissions, a read-only mount).</summary>
    public static bool IsWritable(string path)
    {
        var probe = Path.Combine(path, $".write-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string Resolve(CliArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var value = args.Value("data-dir") ?? "data";
        string path;
        try
        {
            path = Path.GetFullPath(value);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new CliUsageException($"--data-dir '{Identifiers.Printable(value)}' is not a usable path.", ex);
        }

        return File.Exists(path)
            ? throw new CliUsageException($"--data-dir {path} is a file; give a folder (it is created if absent).")
            : path;
    }
}
