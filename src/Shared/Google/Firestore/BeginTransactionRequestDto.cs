namespace XeroSync.Google.Firestore;

internal sealed record BeginTransactionRequestDto(TransactionOptionsDto Options);
