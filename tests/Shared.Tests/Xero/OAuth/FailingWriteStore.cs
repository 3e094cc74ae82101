using XeroSync.Xero;

namespace XeroSync.Tests.Xero.OAuth;

/// <summary>A token store whose writes fail (full disk): reads pass through.</summary>
internal sealed class FailingWriteStore(ITokenStore inner) : ITokenStore
{
    public int FailedWrites { get; private set; }

    public Task<StoredRefreshToken?> ReadAsync(string connection, CancellationToken cancellationToken) => inner.ReadAsync(connection, cancellationToken);

    public Task WriteAsync(string connection, StoredRefreshToken token, CancellationToken cancellationToken)
    {
        FailedWrites++;
        throw new IOException("No space left on device (simulated).");
    }
}
