namespace XeroSync.Google.Firestore;

internal sealed record RunQueryResponseItemDto(FirestoreDocument? Document, string? ReadTime, string? Transaction);
