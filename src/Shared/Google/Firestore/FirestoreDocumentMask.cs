namespace XeroSync.Google.Firestore;

/// <summary>An <c>updateMask</c>: only these field paths are written (others kept); empty = transforms only.</summary>
public sealed record FirestoreDocumentMask(IReadOnlyList<string> FieldPaths);
