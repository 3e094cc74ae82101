namespace XeroSync.Ledger;

/// <summary>
/// A cross-process lock made of named, time-limited leases (SQLite locally; Firestore in the cloud).
/// An expired lease can be taken over by another owner.
/// </summary>
public interface ILeaseStore
{
    /// <summary>
    /// Takes (or, for the current owner, renews) the lease <paramref name="name"/> for <paramref name="ttl"/>.
    /// Returns false while another owner holds an unexpired lease.
    /// </summary>
    Task<bool> TryAcquireAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Releases the lease if <paramref name="owner"/> still holds it; otherwise does nothing.</summary>
    Task ReleaseAsync(string name, string owner, CancellationToken cancellationToken);
}
