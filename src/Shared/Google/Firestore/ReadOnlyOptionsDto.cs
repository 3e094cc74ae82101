namespace XeroSync.Google.Firestore;

internal sealed record ReadOnlyOptionsDto(string? ReadTime);
