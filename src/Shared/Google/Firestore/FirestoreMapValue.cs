namespace XeroSync.Google.Firestore;

/// <summary>A Firestore <c>mapValue</c>.</summary>
public sealed record FirestoreMapValue(IReadOnlyDictionary<string, FirestoreValue>? Fields);
