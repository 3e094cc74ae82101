namespace XeroSync.Google.Firestore;

/// <summary>Retry policy of <see cref="FirestoreClient.RunTransactionAsync{T}"/>: bounded attempts, exponential backoff with jitter.</summary>
public sealed record FirestoreTransactionOptions
{
    public static FirestoreTransactionOptions Default { get; } = new();

    /// <summary>Total attempts including the first.</summary>
    public int MaxAttempts { get; init; } = 10;

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(2);
}
