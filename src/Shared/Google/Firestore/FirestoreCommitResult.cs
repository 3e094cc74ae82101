namespace XeroSync.Google.Firestore;

/// <summary>A commit's result: commit time (RFC 3339) and one result per write, in write order.</summary>
public sealed record FirestoreCommitResult(string? CommitTime, IReadOnlyList<FirestoreWriteResult>? WriteResults);
