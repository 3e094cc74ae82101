namespace XeroSync.Google.Firestore;

/// <summary>A Firestore <c>arrayValue</c>.</summary>
public sealed record FirestoreArrayValue(IReadOnlyList<FirestoreValue>? Values);
