namespace XeroSync.Google.Firestore;

/// <summary>409 ALREADY_EXISTS: a create-if-absent (exists:false) write found the document.</summary>
public sealed class FirestoreAlreadyExistsException : Exception
{
    public FirestoreAlreadyExistsException()
    {
    }

    public FirestoreAlreadyExistsException(string message)
        : base(message)
    {
    }

    public FirestoreAlreadyExistsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
