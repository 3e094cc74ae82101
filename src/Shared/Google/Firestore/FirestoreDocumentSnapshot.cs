namespace XeroSync.Google.Firestore;

/// <summary>A read of one document name: <see cref="Document"/> is null when the document does not exist.</summary>
public sealed record FirestoreDocumentSnapshot(string Name, FirestoreDocument? Document, string? ReadTime)
{
    public bool Exists => Document is not null;
}
