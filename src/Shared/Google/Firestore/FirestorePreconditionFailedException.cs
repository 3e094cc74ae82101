namespace XeroSync.Google.Firestore;

/// <summary>400 FAILED_PRECONDITION: a precondition (exists:true, updateTime) did not hold.</summary>
public sealed class FirestorePreconditionFailedException : Exception
{
    public FirestorePreconditionFailedException()
    {
    }

    public FirestorePreconditionFailedException(string message)
        : base(message)
    {
    }

    public FirestorePreconditionFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
