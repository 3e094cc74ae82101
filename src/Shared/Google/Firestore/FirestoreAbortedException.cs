namespace XeroSync.Google.Firestore;

/// <summary>409 ABORTED: the transaction was aborted (contention, lock timeout); retry it.</summary>
public sealed class FirestoreAbortedException : Exception
{
    public FirestoreAbortedException()
    {
    }

    public FirestoreAbortedException(string message)
        : base(message)
    {
    }

    public FirestoreAbortedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
