using XeroSync.Storage;

namespace XeroSync.Tests.Warehouse;

/// <summary>
/// An object store that stops the reader (cancels <see cref="Stop"/> and throws, as a shutdown does) when it is asked for
/// <paramref name="stopAt"/>; every other object comes from <paramref name="inner"/>.
/// </summary>
internal sealed class StoppingObjectStore(IObjectStore inner, string stopAt) : IObjectStore, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    public CancellationToken Stop => _stop.Token;

    public int StopsSeen { get; private set; }

    public Task<bool> CreateIfAbsentAsync(string name, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken) =>
        inner.CreateIfAbsentAsync(name, content, contentType, cancellationToken);

    public async Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken)
    {
        if (string.Equals(name, stopAt, StringComparison.Ordinal))
        {
            StopsSeen++;
            await _stop.CancelAsync();
            _stop.Token.ThrowIfCancellationRequested();
        }

        return await inner.OpenReadAsync(name, cancellationToken);
    }

    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);

    public void Dispose() => _stop.Dispose();
}
