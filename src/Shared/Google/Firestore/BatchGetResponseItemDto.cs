namespace XeroSync.Google.Firestore;

internal sealed record BatchGetResponseItemDto(FirestoreDocument? Found, string? Missing, string? ReadTime, string? Transaction);
