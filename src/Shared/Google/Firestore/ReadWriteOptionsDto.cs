namespace XeroSync.Google.Firestore;

internal sealed record ReadWriteOptionsDto(string? RetryTransaction);
