namespace XeroSync.Google.Firestore;

internal sealed record TransactionOptionsDto(ReadWriteOptionsDto? ReadWrite, ReadOnlyOptionsDto? ReadOnly);
