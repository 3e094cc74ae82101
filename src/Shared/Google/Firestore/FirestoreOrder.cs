namespace XeroSync.Google.Firestore;

/// <summary>One order-by clause.</summary>
public sealed record FirestoreOrder(string FieldPath, bool Descending = false);
