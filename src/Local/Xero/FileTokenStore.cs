using System.Text.Json;

namespace XeroSync.Xero;

/// <summary>
/// Token sets as one JSON file per connection (<c>{data}/tokens/{connection}.json</c>), replaced atomically
/// (write a temporary file, flush, rename) and readable by the owner only: files 0600, folder 0700 on Unix.
/// Several processes may share the folder; the refresher's lease keeps their writes apart.
/// </summary>
public sealed class FileTokenStore : ITokenStore
{
    /// <summary>The folder name used under a data folder.</summary>
    public const string FolderName = "tokens";

    private const UnixFileMode OwnerFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerFolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <param name="directory">The folder holding the token files (created 0700 on first write).</param>
    public FileTokenStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        FolderPath = Path.GetFullPath(directory);
    }

    public string FolderPath { get; }

    /// <summary>The token store of a data folder: <c>{dataFolder}/tokens</c>.</summary>
    public static FileTokenStore InDataFolder(string dataFolder) => new(Path.Combine(dataFolder, FolderName));

    /// <summary>The file holding <paramref name="connection"/>'s token set.</summary>
    public string PathOf(string connection) => Path.Combine(FolderPath, ValidateName(connection) + ".json");

    /// <summary>Whether a token set is stored for <paramref name="connection"/>.</summary>
    public bool Exists(string connection) => File.Exists(PathOf(connection));

    public async Task<StoredRefreshToken?> ReadAsync(string connection, CancellationToken cancellationToken)
    {
        var path = PathOf(connection);
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, useAsync: true);
            var token = await JsonSerializer.DeserializeAsync(stream, XeroJsonContext.Default.StoredRefreshToken, cancellationToken);
            return string.IsNullOrEmpty(token?.RefreshToken) ? null : token;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (JsonException ex)
        {
            // The message names the file only: the content may hold secrets.
            throw new InvalidDataException($"The token file {path} is not valid JSON; delete it and run `connect` again.", ex);
        }
    }

    public async Task WriteAsync(string connection, StoredRefreshToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var path = PathOf(connection);
        EnsureDirectory();
        var temporary = Path.Combine(FolderPath, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerFileMode;
        }

        try
        {
            await using (var stream = new FileStream(temporary, options))
            {
                await JsonSerializer.SerializeAsync(stream, token, XeroJsonContext.Default.StoredRefreshToken, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, OwnerFileMode); // whatever the umask did
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static string ValidateName(string connection)
    {
        ArgumentException.ThrowIfNullOrEmpty(connection);
        if (connection.Length > 100 || connection[0] == '.' || !connection.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException("A connection name is 1-100 ASCII letters, digits, '-', '_' or '.', not starting with '.'.", nameof(connection));
        }

        return connection;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void EnsureDirectory()
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(FolderPath);
            return;
        }

        Directory.CreateDirectory(FolderPath, OwnerFolderMode);
        File.SetUnixFileMode(FolderPath, OwnerFolderMode);
    }
}
