using System.Net;
using System.Runtime.CompilerServices;
using Google.Cloud.Storage.V1;
using StorageApiException = Google.GoogleApiException;

namespace XeroSync.Storage.Gcs;

/// <summary>
/// The cloud shape's object store: one Cloud Storage bucket. Create-if-absent is an upload with the
/// <c>ifGenerationMatch=0</c> precondition (412 = another writer got there first). Objects are stored with a
/// content type only, never a <c>Content-Encoding</c>, so gzip pages are served back byte for byte (no
/// decompressive transcoding) and BigQuery reads them as gzip files.
/// </summary>
public sealed class GcsObjectStore : IObjectStore
{
    private readonly StorageClient _client;
    private readonly string _bucket;

    public GcsObjectStore(StorageClient client, string bucket)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(bucket);
        _client = client;
        _bucket = bucket;
    }

    public string Bucket => _bucket;

    /// <summary>
    /// A store over <paramref name="bucket"/>. With <paramref name="emulatorHost"/> (the <c>STORAGE_EMULATOR_HOST</c>
    /// value, <c>host:port</c> or a URL) the client calls <c>{host}/storage/v1/</c> without credentials; otherwise it
    /// uses Application Default Credentials against the production endpoint.
    /// </summary>
    public static GcsObjectStore Create(string bucket, string? emulatorHost)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bucket);
        StorageClient client;
        if (string.IsNullOrWhiteSpace(emulatorHost))
        {
            client = StorageClient.Create();
        }
        else
        {
            var host = XeroSync.Google.GoogleEndpoint.ParseHost(emulatorHost.Trim());
            client = new StorageClientBuilder
            {
                BaseUri = new Uri(host, "storage/v1/").ToString(),
                UnauthenticatedAccess = true,
            }.Build();
        }

        return new GcsObjectStore(client, bucket);
    }

    public async Task<bool> CreateIfAbsentAsync(string name, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        ObjectNameRules.Validate(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        var source = new MemoryStream(content.ToArray(), writable: false);
        await using (source.ConfigureAwait(false))
        {
            try
            {
                await _client.UploadObjectAsync(
                    _bucket,
                    name,
                    contentType,
                    source,
                    new UploadObjectOptions { IfGenerationMatch = 0 },
                    cancellationToken);
                return true;
            }
            catch (StorageApiException e) when (e.HttpStatusCode == HttpStatusCode.PreconditionFailed)
            {
                return false;
            }
        }
    }

    public async Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken)
    {
        ObjectNameRules.Validate(name);
        var destination = new MemoryStream();
        try
        {
            await _client.DownloadObjectAsync(_bucket, name, destination, options: null, cancellationToken);
        }
        catch (StorageApiException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
        {
            await destination.DisposeAsync();
            return null;
        }

        destination.Position = 0;
        return destination;
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var names = new List<string>();
        var pages = _client.ListObjectsAsync(_bucket, prefix.Length == 0 ? null : prefix, new ListObjectsOptions { Fields = "items(name),nextPageToken" });
        await foreach (var item in pages.WithCancellation(cancellationToken))
        {
            names.Add(item.Name);
        }

        // GCS lists in lexicographic (UTF-8 byte) order already; sort anyway so the contract holds for any backend.
        names.Sort(StringComparer.Ordinal);
        foreach (var name in names)
        {
            yield return name;
        }
    }
}
