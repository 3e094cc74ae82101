namespace XeroSync.Google.Firestore;

internal sealed record RollbackRequestDto(string Transaction);
