namespace XeroSync.Google.Firestore;

/// <summary>One write's result: its update time and the values its transforms produced, in transform order.</summary>
public sealed record FirestoreWriteResult(string? UpdateTime, IReadOnlyList<FirestoreValue>? TransformResults);
