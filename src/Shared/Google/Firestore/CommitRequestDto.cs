namespace XeroSync.Google.Firestore;

internal sealed record CommitRequestDto(IReadOnlyList<FirestoreWrite> Writes, string? Transaction);
