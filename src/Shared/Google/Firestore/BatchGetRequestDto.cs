namespace XeroSync.Google.Firestore;

internal sealed record BatchGetRequestDto(IReadOnlyList<string> Documents, string? Transaction);
