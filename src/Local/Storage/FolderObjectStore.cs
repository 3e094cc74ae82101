using System.Runtime.CompilerServices;

namespace XeroSync.Storage;

/// <summary>
/// The local shape's object store: objects are files under a root folder, object names are
/// '/'-separated relative paths. Create-if-absent writes a temp file beside the target and moves it
/// into place without overwriting, so a partial object is never visible under its name.
/// </summary>
public sealed class FolderObjectStore : IObjectStore
{
    private const string TempSuffix = ObjectNameRules.TempSuffix;

    private readonly string _root;
    private readonly Func<string, CancellationToken, ValueTask>? _onCreated;

    /// <param name="rootFolder">The folder that holds the objects; created when missing.</param>
    /// <param name="onCreated">Invoked with the object name after a successful create (the local stand-in for an object-finalize event).</param>
    public FolderObjectStore(string rootFolder, Func<string, CancellationToken, ValueTask>? onCreated = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootFolder);
        _root = Path.GetFullPath(rootFolder);
        _onCreated = onCreated;
        Directory.CreateDirectory(_root);
    }

    public string RootFolder => _root;

    public async Task<bool> CreateIfAbsentAsync(string name, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        var target = ToPath(name);
        if (File.Exists(target))
        {
            return false;
        }

        var folder = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $"{Path.GetFileName(target)}.{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(content, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            try
            {
                File.Move(temp, target, overwrite: false);
            }
            catch (IOException) when (File.Exists(target))
            {
                return false;
            }
        }
        finally
        {
            TryDelete(temp);
        }

        if (_onCreated is not null)
        {
            await _onCreated(name, cancellationToken);
        }

        return true;
    }

    public Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = ToPath(name);
        try
        {
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return Task.FromResult<Stream?>(stream);
        }
        catch (FileNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
        catch (DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length > 0)
        {
            ObjectNameRules.Validate(prefix.TrimEnd('/'), nameof(prefix));
        }

        // Enumerate only the deepest folder the prefix names, then filter by the full prefix.
        var slash = prefix.LastIndexOf('/');
        var folder = slash < 0 ? _root : Path.Combine(_root, prefix[..slash].Replace('/', Path.DirectorySeparatorChar));
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        var names = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (file.EndsWith(TempSuffix, StringComparison.Ordinal))
            {
                continue;
            }

            var name = Path.GetRelativePath(_root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                names.Add(name);
            }
        }

        names.Sort(StringComparer.Ordinal);
        foreach (var name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return name;
        }

        await Task.CompletedTask;
    }

    private string ToPath(string name)
    {
        ObjectNameRules.Validate(name);
        var path = Path.GetFullPath(Path.Combine(_root, name.Replace('/', Path.DirectorySeparatorChar)));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Object name '{Identifiers.Printable(name)}' escapes the store's root.", nameof(name));
        }

        return path;
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
}
