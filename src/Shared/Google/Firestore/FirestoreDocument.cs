namespace XeroSync.Google.Firestore;

/// <summary>A Firestore document: full name, fields, and the server's create/update times (RFC 3339 strings).</summary>
public sealed record FirestoreDocument(
    string? Name,
    IReadOnlyDictionary<string, FirestoreValue>? Fields,
    string? CreateTime = null,
    string? UpdateTime = null)
{
    /// <summary>The field's value, or null when absent.</summary>
    public FirestoreValue? Field(string name) => Fields is not null && Fields.TryGetValue(name, out var value) ? value : null;
}
