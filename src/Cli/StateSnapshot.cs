using XeroSync.Ledger.Local;

namespace XeroSync.Cli;

/// <summary>
/// A private copy of a data folder's state.db (and its write-ahead log) in a temp folder, for reading a folder this
/// process may not write: SQLite needs write access beside a WAL database even to read it. Deleted on dispose.
/// </summary>
public sealed class StateSnapshot : IDisposable
{
    private StateSnapshot(string path) => Path = path;

    public string Path { get; }

    public static StateSnapshot Copy(string dataDirectory)
    {
        var folder = Directory.CreateTempSubdirectory("xerosync-status-").FullName;
        foreach (var suffix in (string[])["", "-wal"])
        {
            var source = System.IO.Path.Combine(dataDirectory, SqliteStateDatabase.FileName + suffix);
            if (File.Exists(source))
            {
                File.Copy(source, System.IO.Path.Combine(folder, SqliteStateDatabase.FileName + suffix));
            }
        }

        return new StateSnapshot(folder);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless; the status already printed.
        }
    }
}
