namespace XeroSync.Storage;

/// <summary>Where page objects and manifests land: a folder locally, Cloud Storage in the cloud.</summary>
public interface IObjectStore
{
    /// <summary>
    /// Writes <paramref name="content"/> under <paramref name="name"/> only if no object has that name.
    /// Returns false when the object already existed; callers treat that as success (a second writer
    /// of the same deterministic page). Never leaves a partial object visible under <paramref name="name"/>.
    /// </summary>
    Task<bool> CreateIfAbsentAsync(string name, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken);

    /// <summary>Opens an object for reading, or returns null when it does not exist.</summary>
    Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken);

    /// <summary>Lists object names under a prefix, in ordinal order.</summary>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken);
}
