namespace XeroSync.Google.Firestore;

internal sealed record BeginTransactionResponseDto(string Transaction);
