namespace XeroSync.Google.Firestore;

/// <summary>One field filter; a query's filters are AND-ed.</summary>
public sealed record FirestoreFieldFilter(string FieldPath, FirestoreFilterOperator Operator, FirestoreValue Value);
